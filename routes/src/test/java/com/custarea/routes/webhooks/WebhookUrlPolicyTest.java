package com.custarea.routes.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WebhookUrlPolicyTest {

    private final WebhookUrlPolicy strict = new WebhookUrlPolicy(false, List.of("hooks.internal"));

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.8", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0",
            "100.64.1.2", "198.18.0.1", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fd12:3456::1",
            "::ffff:10.0.0.1", "::"})
    void privateAndSpecialAddressesAreNotPublic(String address) throws Exception {
        assertThat(WebhookUrlPolicy.isPublic(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "100.128.0.1"})
    void publicAddressesArePublic(String address) throws Exception {
        assertThat(WebhookUrlPolicy.isPublic(InetAddress.getByName(address))).isTrue();
    }

    @Test
    void urlsAreCheckedForSchemeUserInformationAndAddress() {
        assertThat(strict.refusal("https://93.184.216.34/hook")).isEmpty();
        assertThat(strict.refusal("http://127.0.0.1:8080/hook")).isPresent();
        assertThat(strict.refusal("http://[::1]/hook")).isPresent();
        assertThat(strict.refusal("file:///etc/passwd")).isPresent();
        assertThat(strict.refusal("https://user:secret@93.184.216.34/")).isPresent();
        assertThat(strict.refusal("not a url")).isPresent();
        assertThat(strict.refusal("http://hooks.internal/x")).as("an allowed host is not resolved").isEmpty();
        assertThat(new WebhookUrlPolicy(true, List.of()).refusal("http://10.0.0.1/x")).isEmpty();
    }
}
