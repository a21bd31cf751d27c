package com.custarea.routes.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Keeps subscriber URLs off loopback, private and special-purpose networks (server-side request forgery): the host
 * must resolve only to public addresses, checked when a subscription is saved and again by the delivery's own
 * connection, which connects only to the addresses this check passed (a name pointed elsewhere between a check and
 * a connection, DNS rebinding, gains nothing). An administrator of a self-hosted set-up may allow private networks,
 * or named hosts.
 */
@Component
public class WebhookUrlPolicy {

    /** Address blocks that are not the public internet, beyond what {@link InetAddress} recognises itself. */
    private static final List<AddressBlock> SPECIAL = List.of(
            AddressBlock.of("0.0.0.0", 8), // "this network"
            AddressBlock.of("100.64.0.0", 10), // carrier-grade NAT
            AddressBlock.of("192.0.0.0", 24), // IETF protocol assignments
            AddressBlock.of("192.0.2.0", 24), // documentation (TEST-NET-1)
            AddressBlock.of("192.88.99.0", 24), // 6to4 relay anycast
            AddressBlock.of("198.18.0.0", 15), // benchmarking
            AddressBlock.of("198.51.100.0", 24), // documentation (TEST-NET-2)
            AddressBlock.of("203.0.113.0", 24), // documentation (TEST-NET-3)
            AddressBlock.of("240.0.0.0", 4), // reserved, and the broadcast address
            AddressBlock.of("::", 96), // IPv4-compatible (deprecated), the unspecified address and loopback
            AddressBlock.of("64:ff9b::", 96), // NAT64: a gateway would connect on to the IPv4 address inside
            AddressBlock.of("64:ff9b:1::", 48), // local-use NAT64
            AddressBlock.of("100::", 64), // discard-only
            AddressBlock.of("2001::", 32), // Teredo tunnels
            AddressBlock.of("2001:10::", 28), // ORCHID (deprecated)
            AddressBlock.of("2001:20::", 28), // ORCHIDv2
            AddressBlock.of("2001:db8::", 32), // documentation
            AddressBlock.of("2002::", 16), // 6to4: an IPv4 address inside
            AddressBlock.of("3fff::", 20), // documentation
            AddressBlock.of("fc00::", 7), // unique local addresses
            AddressBlock.of("fec0::", 10)); // site-local (deprecated)

    private final boolean allowPrivateNetworks;
    private final Set<String> allowedHosts;
    private final HostLookup lookup;

    @Autowired
    public WebhookUrlPolicy(@Value("${custarea.webhooks.allow-private-networks:false}") boolean allowPrivateNetworks,
                            @Value("${custarea.webhooks.allowed-hosts:}") List<String> allowedHosts) {
        this(allowPrivateNetworks, allowedHosts, InetAddress::getAllByName);
    }

    WebhookUrlPolicy(boolean allowPrivateNetworks, List<String> allowedHosts, HostLookup lookup) {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.allowedHosts = allowedHosts.stream().map(String::trim).filter(host -> !host.isEmpty())
                .map(host -> host.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.lookup = lookup;
    }

    /** Looks a host name up (the system resolver; tests stand in for DNS). */
    @FunctionalInterface
    interface HostLookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    /** A host that resolves to an address webhooks may not reach. */
    public static final class RefusedAddressException extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        RefusedAddressException(String message) {
            super(message);
        }
    }

    /** Why {@code url} may not receive webhooks, or empty when it may. */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            return Optional.of("must name a host, without user information");
        }
        String host = hostName(uri.getHost());
        if (allowPrivateNetworks || allowedHosts.contains(host)) {
            return Optional.empty();
        }
        try {
            addressesFor(host);
            return Optional.empty();
        } catch (RefusedAddressException e) {
            return Optional.of(e.getMessage());
        } catch (UnknownHostException e) {
            return Optional.of("names a host that does not resolve: " + host);
        }
    }

    /**
     * The addresses a webhook to {@code host} may connect to: all it resolves to, when every one is public (or the
     * host or private networks are allowed).
     *
     * @throws RefusedAddressException when the host resolves to an address that is not public
     */
    public InetAddress[] addressesFor(String host) throws UnknownHostException {
        String name = hostName(host);
        InetAddress[] addresses = lookup.lookup(name);
        if (allowPrivateNetworks || allowedHosts.contains(name)) {
            return addresses;
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                throw new RefusedAddressException("resolves to a loopback, private or special address ("
                        + address.getHostAddress() + "); an administrator can allow it with "
                        + "custarea.webhooks.allowed-hosts");
            }
        }
        return addresses;
    }

    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            // an IPv4-mapped address is judged as the IPv4 address it carries
            try {
                return isPublic(InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]}));
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return SPECIAL.stream().noneMatch(block -> block.contains(bytes));
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
    }

    /** A host as a URL names it, lower case and without the brackets of an IPv6 literal. */
    private static String hostName(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
    }

    /** A CIDR block: the addresses whose first {@code bits} bits are the prefix's. */
    private record AddressBlock(byte[] prefix, int bits) {

        static AddressBlock of(String address, int bits) {
            try {
                return new AddressBlock(InetAddress.getByName(address).getAddress(), bits);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(address, e);
            }
        }

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }
}
