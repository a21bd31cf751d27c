package com.custarea.app.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import java.util.List;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/** What the fake of OpenAI's chat-completions API streams: chunks of a completion as server-sent events. */
public final class ChatCompletionFakes {

    private ChatCompletionFakes() {
    }

    /** A streamed answer as the chat-completions API sends it: server-sent events, then [DONE]. */
    public static ResponseDefinitionBuilder sse(List<String> chunks) {
        StringBuilder body = new StringBuilder();
        chunks.forEach(chunk -> body.append("data: ").append(chunk).append("\n\n"));
        body.append("data: [DONE]\n\n");
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body.toString());
    }

    /** A chunk with one choice's {@code delta} (JSON) and finish reason (null: not finished). */
    public static String chunk(String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1764300000,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}";
    }

    /** The last chunk of a stream that asked for usage: no choices, the tokens used. */
    public static String usage() {
        return "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1764300000,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":120,"
                + "\"completion_tokens\":12,\"total_tokens\":132}}";
    }
}
