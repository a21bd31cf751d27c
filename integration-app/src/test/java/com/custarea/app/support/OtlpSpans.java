package com.custarea.app.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the spans (trace id, span id, parent id, name) out of an OTLP/HTTP protobuf export request, the format a
 * fake collector receives; only the few fields a test asserts on, skipping the rest by wire type.
 */
public final class OtlpSpans {

    /** One exported span, ids in lowercase hex as in a W3C traceparent. */
    public record ExportedSpan(String traceId, String spanId, String parentSpanId, String name) {
    }

    private OtlpSpans() {
    }

    /** The spans of an {@code ExportTraceServiceRequest}: resource_spans(1) ▶ scope_spans(2) ▶ spans(2). */
    public static List<ExportedSpan> read(byte[] exportRequest) {
        List<ExportedSpan> spans = new ArrayList<>();
        for (byte[] resourceSpans : fields(exportRequest, 1)) {
            for (byte[] scopeSpans : fields(resourceSpans, 2)) {
                for (byte[] span : fields(scopeSpans, 2)) {
                    spans.add(new ExportedSpan(hex(first(span, 1)), hex(first(span, 2)), hex(first(span, 4)),
                            new String(first(span, 5), StandardCharsets.UTF_8)));
                }
            }
        }
        return spans;
    }

    private static byte[] first(byte[] message, int field) {
        List<byte[]> values = fields(message, field);
        return values.isEmpty() ? new byte[0] : values.get(0);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** The length-delimited values of {@code field} in a protobuf message. */
    private static List<byte[]> fields(byte[] message, int field) {
        List<byte[]> values = new ArrayList<>();
        int[] position = {0};
        while (position[0] < message.length) {
            long tag = varint(message, position);
            int number = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            switch (wireType) {
                case 0 -> varint(message, position);
                case 1 -> position[0] += 8;
                case 5 -> position[0] += 4;
                case 2 -> {
                    int length = (int) varint(message, position);
                    if (number == field) {
                        values.add(Arrays.copyOfRange(message, position[0], position[0] + length));
                    }
                    position[0] += length;
                }
                default -> throw new IllegalArgumentException("Unsupported protobuf wire type " + wireType);
            }
        }
        return values;
    }

    private static long varint(byte[] message, int[] position) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = message[position[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("Malformed varint");
    }
}
