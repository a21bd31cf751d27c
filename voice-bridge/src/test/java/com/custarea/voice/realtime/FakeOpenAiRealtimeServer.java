package com.custarea.voice.realtime;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A stand-in for the OpenAI Realtime API (GA event shapes) on 127.0.0.1, written on the JDK alone: the HTTP upgrade
 * and the WebSocket framing of RFC 6455 by hand (text, continuation, ping, close; the client's frames masked, ours
 * not). It refuses an upgrade without {@code Authorization: Bearer <key>} with 401, as the real API does, and records
 * every client event of every connection. Its script, per connection:
 * <ul>
 * <li>{@code session.update} → {@code session.updated};</li>
 * <li>after {@link #replyAfterAppends(int) N} {@code input_audio_buffer.append} events (once): the caller's turn
 * (speech started and stopped, committed, its transcription "I want to cancel"), then the model's answer: μ-law
 * audio deltas of item {@code item_1}, its transcript "Sure, I can help.", {@code response.done};</li>
 * <li>a {@code response.create} after a {@code function_call_output}: the goodbye (item {@code item_2}); one
 * while a response is still going: the real API's {@code conversation_already_has_active_response} error;</li>
 * <li>on demand: {@link Connection#speechStarted()} (barge-in), {@link Connection#functionCall} (a tool call and
 * its {@code response.done}), and a response of the model's own kept going ({@link Connection#beginResponse},
 * {@link Connection#endResponse});</li>
 * <li>with {@link #echoAudio(boolean)}: every appended frame comes straight back as an output delta (for measuring
 * what the bridge adds).</li>
 * </ul>
 */
public final class FakeOpenAiRealtimeServer implements AutoCloseable {

    public static final String PATH = "/v1/realtime";
    public static final String CALLER_TRANSCRIPT = "I want to cancel";
    public static final String AGENT_TRANSCRIPT = "Sure, I can help.";
    public static final String GOODBYE_TRANSCRIPT = "Let me transfer you to a colleague.";
    public static final String REPLY_ITEM = "item_1";
    public static final String GOODBYE_ITEM = "item_2";
    /** The model's answer: three 20 ms frames of a 440 Hz tone, base64 μ-law. */
    public static final List<String> REPLY_AUDIO = List.of(tone(0, 160), tone(160, 160), tone(320, 160));
    public static final List<String> GOODBYE_AUDIO = List.of(tone(480, 160));
    /** The tokens every response reports in its usage. */
    public static final int RESPONSE_TOKENS = 120;
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;

    private final ServerSocket server;
    private final String apiKey;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fake-openai-realtime");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private volatile int replyAfterAppends = 5;
    private volatile boolean echoAudio;
    private volatile boolean closed;

    private FakeOpenAiRealtimeServer(ServerSocket server, String apiKey) {
        this.server = server;
        this.apiKey = apiKey;
    }

    /** Listens on 127.0.0.1:{@code port}, accepting the bearer token {@code apiKey}. */
    public static FakeOpenAiRealtimeServer start(int port, String apiKey) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            FakeOpenAiRealtimeServer fake = new FakeOpenAiRealtimeServer(socket, apiKey);
            fake.threads.execute(fake::accept);
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on port " + port, e);
        }
    }

    /** After how many appended audio frames the scripted turn comes (0: never). */
    public FakeOpenAiRealtimeServer replyAfterAppends(int appends) {
        this.replyAfterAppends = appends;
        return this;
    }

    /** Whether every appended frame comes straight back as model audio. */
    public FakeOpenAiRealtimeServer echoAudio(boolean echo) {
        this.echoAudio = echo;
        return this;
    }

    /** Every connection that passed the upgrade, oldest first. */
    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** The Authorization headers of the upgrades refused. */
    public List<String> refused() {
        return List.copyOf(refused);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.forEach(Connection::abort);
        threads.shutdownNow();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("fake OpenAI Realtime: accept failed: " + e);
                }
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            String[] requestLine = new String[1];
            Map<String, String> headers = readHead(in, requestLine);
            String[] parts = requestLine[0].split(" ");
            String target = parts.length > 1 ? parts[1] : "";
            String key = headers.get("sec-websocket-key");
            if (!"GET".equals(parts[0]) || !(target.equals(PATH) || target.startsWith(PATH + "?"))) {
                respond(out, "404 Not Found", "{\"error\":{\"message\":\"Not found\"}}");
                socket.close();
                return;
            }
            if (key == null || !"websocket".equalsIgnoreCase(headers.getOrDefault("upgrade", ""))) {
                respond(out, "400 Bad Request", "{\"error\":{\"message\":\"Expected a WebSocket upgrade\"}}");
                socket.close();
                return;
            }
            String authorization = headers.get("authorization");
            if (!("Bearer " + apiKey).equals(authorization)) {
                refused.add(String.valueOf(authorization));
                respond(out, "401 Unauthorized", "{\"error\":{\"type\":\"invalid_request_error\","
                        + "\"code\":\"invalid_api_key\",\"message\":\"Incorrect API key provided\"}}");
                socket.close();
                return;
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key.strip() + WEBSOCKET_GUID).getBytes(StandardCharsets.ISO_8859_1)));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Connection connection = new Connection(socket, in, out, target, authorization);
            connections.add(connection);
            connection.run();
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            if (!closed && !(e instanceof EOFException) && !(e instanceof SocketException)) {
                System.err.println("fake OpenAI Realtime: connection failed: " + e);
            }
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }

    private static Map<String, String> readHead(DataInputStream in, String[] requestLine) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("The request ended in its head");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 16 * 1024) {
                throw new IOException("The request head is too long");
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        requestLine[0] = lines[0];
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        return headers;
    }

    private static void respond(OutputStream out, String status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    /** {@code samples} samples of a 440 Hz tone from sample {@code offset}, μ-law, base64. */
    static String tone(int offset, int samples) {
        byte[] ulaw = new byte[samples];
        for (int i = 0; i < samples; i++) {
            double t = (offset + i) / 8000.0;
            ulaw[i] = ulaw((int) Math.round(8000 * Math.sin(2 * Math.PI * 440 * t)));
        }
        return Base64.getEncoder().encodeToString(ulaw);
    }

    /** G.711 μ-law of a 16-bit linear sample. */
    static byte ulaw(int sample) {
        int sign = sample < 0 ? 0x80 : 0;
        int magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    /** One client's socket: what it sent, and the script's answers. */
    public final class Connection {

        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private final String target;
        private final String authorization;
        private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger appends = new AtomicInteger();
        private final AtomicBoolean replied = new AtomicBoolean();
        private final AtomicInteger eventIds = new AtomicInteger();
        private final AtomicInteger responses = new AtomicInteger();
        private volatile String functionOutput;
        /** The response going on, null between responses. */
        private volatile String activeResponse;
        private volatile boolean activeAnnounced;
        private final List<JsonNode> errors = new CopyOnWriteArrayList<>();
        private volatile boolean closeSent;
        private volatile boolean closed;

        Connection(Socket socket, DataInputStream in, OutputStream out, String target, String authorization) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.target = target;
            this.authorization = authorization;
        }

        /** The request target of the upgrade, e.g. /v1/realtime?model=gpt-realtime. */
        public String target() {
            return target;
        }

        public String authorization() {
            return authorization;
        }

        /** Every client event, in the order received. */
        public List<JsonNode> received() {
            synchronized (received) {
                return List.copyOf(received);
            }
        }

        /** The client events of {@code type}, in order. */
        public List<JsonNode> received(String type) {
            return received().stream().filter(event -> type.equals(event.path("type").asText())).toList();
        }

        /** The first client event of {@code type}; null before there is one. */
        public JsonNode first(String type) {
            List<JsonNode> events = received(type);
            return events.isEmpty() ? null : events.get(0);
        }

        /** The audio of every input_audio_buffer.append, in order. */
        public List<String> appendedAudio() {
            return received("input_audio_buffer.append").stream().map(event -> event.path("audio").asText())
                    .toList();
        }

        /** Whether the socket is closed (by either side). */
        public boolean isClosed() {
            return closed;
        }

        /** Server VAD heard the caller start talking: barge-in if the bot is speaking. */
        public void speechStarted() {
            send(event("input_audio_buffer.speech_started").put("audio_start_ms", 1000).put("item_id", "item_in_2"));
        }

        /** The error events sent, in order. */
        public List<JsonNode> errors() {
            return List.copyOf(errors);
        }

        /**
         * The model starts a response of its own (server VAD after the caller spoke) and keeps it going until
         * {@link #endResponse()}; {@code announced} false holds its response.created back until then, as when the
         * client's response.create crosses it on the wire.
         */
        public void beginResponse(boolean announced) {
            String response = "resp_" + responses.incrementAndGet();
            activeResponse = response;
            activeAnnounced = announced;
            if (announced) {
                send(created(response));
            }
        }

        /** The response of {@link #beginResponse} done (announced first if it was not). */
        public void endResponse() {
            String response = activeResponse;
            if (!activeAnnounced) {
                send(created(response));
            }
            ObjectNode done = event("response.done");
            done.putObject("response").put("id", response).put("object", "realtime.response")
                    .put("status", "completed").putObject("usage").put("total_tokens", RESPONSE_TOKENS);
            activeResponse = null;
            send(done);
        }

        /** The model calls {@code name}: its arguments done, then its response done. */
        public void functionCall(String name, String callId, String arguments) {
            String response = "resp_" + responses.incrementAndGet();
            String item = "item_fc_" + responses.get();
            activeResponse = response;
            send(created(response));
            send(event("response.function_call_arguments.done").put("response_id", response).put("item_id", item)
                    .put("output_index", 0).put("call_id", callId).put("name", name).put("arguments", arguments));
            ObjectNode done = event("response.done");
            ObjectNode body = done.putObject("response").put("id", response).put("object", "realtime.response")
                    .put("status", "completed");
            body.putObject("usage").put("total_tokens", RESPONSE_TOKENS).put("input_tokens", RESPONSE_TOKENS / 2)
                    .put("output_tokens", RESPONSE_TOKENS / 2);
            body.putArray("output").addObject().put("id", item).put("type", "function_call").put("name", name)
                    .put("call_id", callId).put("arguments", arguments);
            activeResponse = null;
            send(done);
        }

        /** Sends a server event (an event_id added). */
        public void send(ObjectNode event) {
            if (!event.has("event_id")) {
                event.put("event_id", "event_" + eventIds.incrementAndGet());
            }
            try {
                writeFrame(0x1, PayloadJson.write(event).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                abort();
            }
        }

        /** Closes as the server: a close frame with {@code code}; the socket goes when the client answers. */
        public void close(int code) {
            try {
                closeSent = true;
                writeFrame(0x8, new byte[] {(byte) (code >> 8), (byte) code});
            } catch (IOException e) {
                abort();
            }
        }

        /** Drops the TCP connection with no close frame. */
        public void abort() {
            closed = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone
            }
        }

        void run() throws IOException {
            send(sessionCreated());
            ByteArrayOutputStream message = null;
            try {
                while (true) {
                    int b0 = in.read();
                    if (b0 < 0) {
                        return;
                    }
                    int b1 = in.readUnsignedByte();
                    boolean fin = (b0 & 0x80) != 0;
                    int opcode = b0 & 0x0F;
                    long length = b1 & 0x7F;
                    if (length == 126) {
                        length = in.readUnsignedShort();
                    } else if (length == 127) {
                        length = in.readLong();
                    }
                    if (length < 0 || length > MAX_MESSAGE) {
                        throw new IOException("A frame of " + length + " bytes");
                    }
                    byte[] mask = new byte[4];
                    if ((b1 & 0x80) != 0) {
                        in.readFully(mask);
                    }
                    byte[] payload = new byte[(int) length];
                    in.readFully(payload);
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i & 3];
                    }
                    switch (opcode) {
                        case 0x1, 0x2 -> {
                            message = new ByteArrayOutputStream();
                            message.write(payload);
                            if (fin) {
                                deliver(opcode, message);
                                message = null;
                            }
                        }
                        case 0x0 -> {
                            if (message != null) {
                                message.write(payload);
                                if (message.size() > MAX_MESSAGE) {
                                    throw new IOException("A message over " + MAX_MESSAGE + " bytes");
                                }
                                if (fin) {
                                    deliver(0x1, message);
                                    message = null;
                                }
                            }
                        }
                        case 0x8 -> {
                            if (!closeSent) {
                                closeSent = true;
                                writeFrame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]}
                                        : new byte[0]);
                            }
                            return;
                        }
                        case 0x9 -> writeFrame(0xA, payload);
                        default -> {
                            // pong, or reserved: nothing
                        }
                    }
                }
            } finally {
                abort();
            }
        }

        private void deliver(int opcode, ByteArrayOutputStream message) {
            if (opcode != 0x1) {
                return;
            }
            JsonNode event = PayloadJson.tree(message.toString(StandardCharsets.UTF_8));
            received.add(event);
            switch (event.path("type").asText()) {
                case "session.update" -> {
                    ObjectNode updated = event("session.updated");
                    ObjectNode session = updated.putObject("session");
                    if (event.path("session").isObject()) {
                        session.setAll((ObjectNode) event.get("session").deepCopy());
                    }
                    session.put("id", "sess_fake").put("object", "realtime.session");
                    send(updated);
                }
                case "input_audio_buffer.append" -> {
                    int count = appends.incrementAndGet();
                    if (echoAudio) {
                        send(event("response.output_audio.delta").put("response_id", "resp_echo")
                                .put("item_id", "item_echo").put("output_index", 0).put("content_index", 0)
                                .put("delta", event.path("audio").asText()));
                    }
                    int after = replyAfterAppends;
                    if (after > 0 && count >= after && replied.compareAndSet(false, true)) {
                        callerTurnAndAnswer();
                    }
                }
                case "conversation.item.create" -> {
                    if ("function_call_output".equals(event.path("item").path("type").asText())) {
                        functionOutput = event.path("item").path("call_id").asText();
                    }
                    ObjectNode added = event("conversation.item.added");
                    added.set("item", event.path("item").deepCopy());
                    send(added);
                }
                case "conversation.item.truncate" -> send(event("conversation.item.truncated")
                        .put("item_id", event.path("item_id").asText())
                        .put("content_index", event.path("content_index").asInt())
                        .put("audio_end_ms", event.path("audio_end_ms").asInt()));
                case "response.create" -> {
                    String active = activeResponse;
                    if (active != null) {
                        // the real API takes one response at a time
                        ObjectNode error = event("error");
                        error.putObject("error").put("type", "invalid_request_error")
                                .put("code", "conversation_already_has_active_response")
                                .put("message", "Conversation already has an active response in progress: "
                                        + active + ". Wait until the response is finished before creating a new one.")
                                .putNull("param").put("event_id", event.path("event_id").asText(null));
                        errors.add(error);
                        send(error);
                    } else if (functionOutput != null) {
                        functionOutput = null;
                        answer(GOODBYE_ITEM, GOODBYE_AUDIO, GOODBYE_TRANSCRIPT);
                    }
                }
                default -> {
                    // recorded only
                }
            }
        }

        /** The caller's turn as server VAD and the transcription see it, then the model's answer. */
        private void callerTurnAndAnswer() {
            send(event("input_audio_buffer.speech_started").put("audio_start_ms", 0).put("item_id", "item_in_1"));
            send(event("input_audio_buffer.speech_stopped").put("audio_end_ms", 100).put("item_id", "item_in_1"));
            send(event("input_audio_buffer.committed").putNull("previous_item_id").put("item_id", "item_in_1"));
            send(event("conversation.item.input_audio_transcription.completed").put("item_id", "item_in_1")
                    .put("content_index", 0).put("transcript", CALLER_TRANSCRIPT));
            answer(REPLY_ITEM, REPLY_AUDIO, AGENT_TRANSCRIPT);
        }

        private void answer(String item, List<String> audio, String transcript) {
            String response = "resp_" + responses.incrementAndGet();
            activeResponse = response;
            send(created(response));
            for (String delta : audio) {
                send(event("response.output_audio.delta").put("response_id", response).put("item_id", item)
                        .put("output_index", 0).put("content_index", 0).put("delta", delta));
            }
            send(event("response.output_audio.done").put("response_id", response).put("item_id", item)
                    .put("output_index", 0).put("content_index", 0));
            send(event("response.output_audio_transcript.done").put("response_id", response).put("item_id", item)
                    .put("output_index", 0).put("content_index", 0).put("transcript", transcript));
            ObjectNode done = event("response.done");
            ObjectNode body = done.putObject("response").put("id", response).put("object", "realtime.response")
                    .put("status", "completed");
            body.putObject("usage").put("total_tokens", RESPONSE_TOKENS).put("input_tokens", RESPONSE_TOKENS / 2)
                    .put("output_tokens", RESPONSE_TOKENS / 2);
            ObjectNode output = body.putArray("output").addObject().put("id", item).put("type", "message")
                    .put("role", "assistant");
            output.putArray("content").addObject().put("type", "output_audio").put("transcript", transcript);
            activeResponse = null;
            send(done);
        }

        private ObjectNode created(String response) {
            ObjectNode created = event("response.created");
            created.putObject("response").put("id", response).put("object", "realtime.response")
                    .put("status", "in_progress");
            return created;
        }

        private ObjectNode sessionCreated() {
            ObjectNode created = event("session.created");
            ObjectNode session = created.putObject("session").put("id", "sess_fake").put("object", "realtime.session")
                    .put("type", "realtime").put("model", "gpt-realtime");
            session.putArray("output_modalities").add("audio");
            ObjectNode audio = session.putObject("audio");
            audio.putObject("input").putObject("format").put("type", "audio/pcm").put("rate", 24000);
            audio.putObject("output").put("voice", "alloy").putObject("format").put("type", "audio/pcm")
                    .put("rate", 24000);
            return created;
        }

        private ObjectNode event(String type) {
            return PayloadJson.mapper().createObjectNode().put("type", type);
        }

        private void writeFrame(int opcode, byte[] payload) throws IOException {
            synchronized (out) {
                if (closed) {
                    throw new IOException("closed");
                }
                out.write(0x80 | opcode);
                if (payload.length < 126) {
                    out.write(payload.length);
                } else if (payload.length <= 0xFFFF) {
                    out.write(126);
                    out.write(payload.length >> 8);
                    out.write(payload.length & 0xFF);
                } else {
                    out.write(127);
                    long length = payload.length;
                    for (int shift = 56; shift >= 0; shift -= 8) {
                        out.write((int) (length >> shift) & 0xFF);
                    }
                }
                out.write(payload);
                out.flush();
            }
        }
    }
}
