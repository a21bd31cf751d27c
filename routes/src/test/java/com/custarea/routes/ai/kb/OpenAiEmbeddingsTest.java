package com.custarea.routes.ai.kb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real openai-java client against a fake of the embeddings API. */
class OpenAiEmbeddingsTest {

    private final WireMockServer api = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
            .dynamicPort());
    private OpenAIClient client;

    @BeforeEach
    void start() {
        api.start();
        client = OpenAIOkHttpClient.builder().apiKey("sk-test").baseUrl(api.baseUrl() + "/v1").maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        api.stop();
    }

    @Test
    void vectorsComeBackInTheTextsOrderAtUnitLengthTaggedWithTheModel() {
        api.stubFor(post(urlPathEqualTo("/v1/embeddings"))
                .withRequestBody(equalToJson("{\"model\":\"text-embedding-3-small\",\"dimensions\":2,"
                        + "\"input\":[\"first\",\"second\"]}", true, true))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
                        {"object":"list","model":"text-embedding-3-small",
                         "data":[{"object":"embedding","index":1,"embedding":[0.0,2.0]},
                                 {"object":"embedding","index":0,"embedding":[3.0,4.0]}],
                         "usage":{"prompt_tokens":2,"total_tokens":2}}""")));
        OpenAiEmbeddings embeddings = new OpenAiEmbeddings(client, "text-embedding-3-small", 2);

        List<float[]> vectors = embeddings.embedAll(List.of("first", "second"));

        assertThat(embeddings.model()).isEqualTo("openai:text-embedding-3-small:2");
        assertThat(vectors.get(0)).containsExactly(0.6f, 0.8f);
        assertThat(vectors.get(1)).containsExactly(0.0f, 1.0f);
    }

    @Test
    void anAnswerOfTheWrongShapeIsAnError() {
        api.stubFor(post(urlPathEqualTo("/v1/embeddings")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"object":"list","model":"m","data":[{"object":"embedding","index":0,"embedding":[1.0]}],
                         "usage":{"prompt_tokens":1,"total_tokens":1}}""")));

        assertThatThrownBy(() -> new OpenAiEmbeddings(client, "m", 2).embedAll(List.of("a")))
                .hasMessageContaining("1 dimensions, not 2");
        assertThatThrownBy(() -> new OpenAiEmbeddings(client, "m", 1).embedAll(List.of("a", "b")))
                .hasMessageContaining("1 vectors for 2 texts");
    }
}
