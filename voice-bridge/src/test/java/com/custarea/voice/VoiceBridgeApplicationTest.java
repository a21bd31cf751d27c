package com.custarea.voice;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "custarea.voice.embedded-wait=0s")
class VoiceBridgeApplicationTest {

    @Autowired
    TestRestTemplate http;

    @Test
    void startsAndReportsHealthUp() {
        String health = http.getForObject("/actuator/health", String.class);
        assertThat(health).contains("\"status\":\"UP\"");
        assertThat(http.getForObject("/actuator/health/liveness", String.class)).contains("UP");
    }
}
