package com.custarea.routes.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookUrlPolicyTest {

    private final WebhookUrlPolicy strict = new WebhookUrlPolicy(false, List.of("hooks.internal"));

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.8", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0",
            "0.1.2.3", "100.64.1.2", "192.0.0.8", "192.0.2.10", "192.88.99.1", "198.18.0.1", "198.19.255.255",
            "198.51.100.7", "203.0.113.9", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
            "fec0::1", "fd12:3456::1", "fc00::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::10.0.0.1",
            "64:ff9b::a00:1", "64:ff9b::808:808", "64:ff9b:1::1", "2002:a00:1::1", "2002:808:808::1",
            "2001:0:4136:e378::1", "2001:db8::1", "2001:10::1", "2001:20::1", "3fff::1", "100::1"})
    void privateAndSpecialAddressesAreNotPublic(String address) throws Exception {
        assertThat(WebhookUrlPolicy.isPublic(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "100.128.0.1",
            "198.20.0.1", "192.0.3.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "2003::1"})
    void publicAddressesArePublic(String address) throws Exception {
        assertThat(WebhookUrlPolicy.isPublic(InetAddress.getByName(address))).isTrue();
    }

    @Test
    void urlsAreCheckedForSchemeUserInformationAndAddress() {
        assertThat(strict.refusal("https://93.184.216.34/hook")).isEmpty();
        assertThat(strict.refusal("http://127.0.0.1:8080/hook")).isPresent();
        assertThat(strict.refusal("http://[::1]/hook")).isPresent();
        assertThat(strict.refusal("http://[64:ff9b::a00:1]/hook")).isPresent();
        assertThat(strict.refusal("file:///etc/passwd")).isPresent();
        assertThat(strict.refusal("https://user:secret@93.184.216.34/")).isPresent();
        assertThat(strict.refusal("not a url")).isPresent();
        assertThat(strict.refusal("http://hooks.internal/x")).as("an allowed host is not resolved").isEmpty();
        assertThat(new WebhookUrlPolicy(true, List.of()).refusal("http://10.0.0.1/x")).isEmpty();
    }

    @Test
    void aNameWithOnePrivateAddressAmongPublicOnesIsRefused() {
        WebhookUrlPolicy policy = new WebhookUrlPolicy(false, List.of(), host -> new InetAddress[] {
                InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.1")});
        assertThat(policy.refusal("https://mixed.example/hook")).hasValueSatisfying(reason ->
                assertThat(reason).contains("10.0.0.1"));
    }

    @Test
    void theAddressesToConnectToAreCheckedAtEachLookupSoARebindingIsCaught() throws Exception {
        InetAddress[][] answers = {{InetAddress.getByName("93.184.216.34")}, {InetAddress.getByName("127.0.0.1")}};
        int[] lookups = {0};
        WebhookUrlPolicy policy = new WebhookUrlPolicy(false, List.of(), host -> {
            assertThat(host).isEqualTo("rebound.example");
            return answers[Math.min(lookups[0]++, 1)];
        });
        assertThat(policy.refusal("https://rebound.example/hook")).as("checked while it looked public").isEmpty();
        assertThatThrownBy(() -> policy.addressesFor("rebound.example"))
                .isInstanceOf(WebhookUrlPolicy.RefusedAddressException.class).hasMessageContaining("127.0.0.1");
        assertThat(lookups[0]).isEqualTo(2);
    }

    @Test
    void allowedHostsAndPrivateNetworksGetTheAddressesTheyResolveTo() throws Exception {
        InetAddress local = InetAddress.getByName("10.1.2.3");
        WebhookUrlPolicy.HostLookup lookup = host -> {
            if (!host.equals("hooks.internal")) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {local};
        };
        assertThat(new WebhookUrlPolicy(false, List.of("HOOKS.internal"), lookup).addressesFor("hooks.internal"))
                .containsExactly(local);
        assertThat(new WebhookUrlPolicy(true, List.of(), lookup).addressesFor("[HOOKS.internal]"))
                .containsExactly(local);
        assertThatThrownBy(() -> new WebhookUrlPolicy(false, List.of(), lookup).addressesFor("hooks.internal"))
                .isInstanceOf(WebhookUrlPolicy.RefusedAddressException.class);
    }
}
