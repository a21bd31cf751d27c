package com.custarea.voice.twiml;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallLimitException;
import com.custarea.voice.calls.CallMode;
import com.custarea.voice.calls.CallSession;
import com.custarea.voice.calls.CallSessions;
import com.custarea.voice.lines.VoiceLine;
import com.custarea.voice.lines.VoiceLines;
import com.twilio.twiml.TwiMLException;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Connect;
import com.twilio.twiml.voice.ConversationRelay;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Parameter;
import com.twilio.twiml.voice.Say;
import com.twilio.twiml.voice.Stream;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Twilio's voice webhooks: {@code /twiml/voice} answers a call (signature verified against the line's auth token)
 * with TwiML that connects it, in the line's mode, to this bridge's socket for a new single-use session;
 * {@code /twiml/status} ends the session when Twilio reports the call over.
 */
@RestController
public class TwimlController {

    public static final String VOICE_PATH = "/twiml/voice";
    public static final String STATUS_PATH = "/twiml/status";
    public static final String HANDOFF_PATH = "/twiml/handoff";
    private static final Logger LOG = LoggerFactory.getLogger(TwimlController.class);
    private static final Set<String> OVER = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    private final VoiceLines lines;
    private final CallSessions sessions;
    private final TwilioSignatures signatures;
    private final MeterRegistry meters;

    public TwimlController(VoiceLines lines, CallSessions sessions, TwilioSignatures signatures, MeterRegistry meters) {
        this.lines = lines;
        this.sessions = sessions;
        this.signatures = signatures;
        this.meters = meters;
    }

    @PostMapping(path = VOICE_PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public ResponseEntity<String> voice(HttpServletRequest request) {
        Map<String, String> params = parameters(request);
        boolean outbound = outbound(params);
        String ours = ourNumber(params);
        Optional<VoiceLine> line = lines.byNumber(ours);
        if (line.isEmpty()) {
            LOG.warn("A call for {} reached the bridge, but no tenant has that number", ours);
            return problem(HttpStatus.NOT_FOUND, "No voice line has the number " + ours);
        }
        if (!verified(request, params, line.get())) {
            return problem(HttpStatus.FORBIDDEN, "The X-Twilio-Signature does not match this request");
        }
        String callSid = params.get("CallSid");
        if (callSid == null || !callSid.matches("CA[0-9a-fA-F]{32}")) {
            return problem(HttpStatus.BAD_REQUEST, "CallSid is missing or not a call SID");
        }
        CallMode mode = CallMode.fromWireName(request.getParameter("mode")).orElse(line.get().mode());
        VoiceResponse twiml;
        try {
            CallSession call = sessions.open(line.get(), callSid, params.get("From"), params.get("To"),
                    outbound ? "outbound" : "inbound", mode);
            twiml = connect(call);
        } catch (CallLimitException full) {
            LOG.info("Call {} refused: {}", callSid, full.getMessage());
            twiml = new VoiceResponse.Builder()
                    .say(new Say.Builder("All our lines are busy. Please call again in a few minutes.").build())
                    .hangup(new Hangup.Builder().build()).build();
        }
        try {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(twiml.toXml());
        } catch (TwiMLException e) {
            throw new IllegalStateException("Cannot write TwiML", e);
        }
    }

    @PostMapping(path = STATUS_PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public ResponseEntity<String> status(HttpServletRequest request) {
        Map<String, String> params = parameters(request);
        Optional<CallSession> call = sessions.byCallSid(params.get("CallSid"));
        boolean outbound = outbound(params);
        Optional<VoiceLine> line = call.map(CallSession::line).or(() -> lines.byNumber(ourNumber(params)));
        if (line.isEmpty()) {
            return problem(HttpStatus.NOT_FOUND, "No call or line for this status callback");
        }
        if (!verified(request, params, line.get())) {
            return problem(HttpStatus.FORBIDDEN, "The X-Twilio-Signature does not match this request");
        }
        String status = params.getOrDefault("CallStatus", "");
        if (OVER.contains(status)) {
            String reason = "completed".equals(status) ? "completed" : status.replace('-', '_');
            String callSid = params.getOrDefault("CallSid", "");
            if (call.isPresent()) {
                sessions.end(call.get(), reason);
            } else if (callSid.matches("CA[0-9a-fA-F]{32}")) {
                // a call that never asked for its TwiML (an outbound call nobody answered) still ends on record
                sessions.endUnconnected(line.get(), callSid, params.get("From"), params.get("To"),
                        outbound ? "outbound" : "inbound", reason);
            }
        }
        return ResponseEntity.noContent().build();
    }

    /**
     * What Twilio does once the call's socket is over (the {@code <Connect>} action): put a call the agent handed
     * over through to the line's transfer number, tell the caller the team will call back when there is none, and
     * hang up otherwise.
     */
    @PostMapping(path = HANDOFF_PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public ResponseEntity<String> afterSocket(HttpServletRequest request) {
        Map<String, String> params = parameters(request);
        Optional<VoiceLine> line = lines.byNumber(ourNumber(params));
        if (line.isEmpty()) {
            return problem(HttpStatus.NOT_FOUND, "No voice line for this call");
        }
        if (!verified(request, params, line.get())) {
            return problem(HttpStatus.FORBIDDEN, "The X-Twilio-Signature does not match this request");
        }
        boolean handoff = params.containsKey("HandoffData")
                || "handoff".equals(sessions.endReason(params.get("CallSid")).orElse(null));
        VoiceResponse.Builder next = new VoiceResponse.Builder();
        if (handoff && line.get().transferNumber() != null) {
            next.say(new Say.Builder("Connecting you to a colleague.").build())
                    .dial(new Dial.Builder().number(line.get().transferNumber()).build());
        } else if (handoff) {
            next.say(new Say.Builder("Nobody from the team can take your call right now. We will call you back.")
                    .build()).hangup(new Hangup.Builder().build());
        } else {
            next.hangup(new Hangup.Builder().build());
        }
        try {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(next.build().toXml());
        } catch (TwiMLException e) {
            throw new IllegalStateException("Cannot write TwiML", e);
        }
    }

    private VoiceResponse connect(CallSession call) {
        String socket = signatures.publicUrl("/phone-ws/" + call.mode().wireName() + "/" + call.sessionId(), true);
        Connect.Builder connect = new Connect.Builder().action(signatures.publicUrl(HANDOFF_PATH, false));
        if (call.mode() == CallMode.CONVRELAY) {
            ConversationRelay.Builder relay = new ConversationRelay.Builder().url(socket);
            if (call.line().language() != null) {
                relay.language(call.line().language());
            }
            connect.conversationRelay(relay.build());
        } else {
            connect.stream(new Stream.Builder().url(socket)
                    .parameter(new Parameter.Builder().name("callId").value(call.callId().toString()).build())
                    .build());
        }
        return new VoiceResponse.Builder().connect(connect.build()).build();
    }

    private boolean verified(HttpServletRequest request, Map<String, String> params, VoiceLine line) {
        String url = signatures.publicUrl(request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString()), false);
        boolean valid = signatures.valid(line.authToken(), url, params, request.getHeader("X-Twilio-Signature"));
        if (!valid) {
            meters.counter("custarea.voice.webhooks.rejected", "path", request.getRequestURI()).increment();
            LOG.warn("Refused a Twilio voice webhook with a bad signature for line {}", line.phoneNumber());
        }
        return valid;
    }

    /** Whether Twilio placed the call for us (Direction outbound-api or outbound-dial) rather than received it. */
    private static boolean outbound(Map<String, String> params) {
        return params.getOrDefault("Direction", "inbound").startsWith("outbound");
    }

    /** Our line's number on the call: the callee of an inbound call, the caller of an outbound one. */
    private static String ourNumber(Map<String, String> params) {
        return outbound(params) ? params.get("From") : params.get("To");
    }

    /** The POST parameters only (the query's are part of the signed URL, not of the parameters). */
    private static Map<String, String> parameters(HttpServletRequest request) {
        Map<String, String> params = new TreeMap<>();
        Set<String> query = queryNames(request.getQueryString());
        request.getParameterMap().forEach((name, values) -> {
            if (!query.contains(name) && values.length > 0) {
                params.put(name, values[0]);
            }
        });
        return params;
    }

    private static Set<String> queryNames(String query) {
        if (query == null || query.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(query.split("&")).map(pair -> URLDecoder.decode(pair.split("=", 2)[0],
                StandardCharsets.UTF_8)).collect(Collectors.toSet());
    }

    private static ResponseEntity<String> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(PayloadJson.write(Map.of("type", "about:blank", "title",
                        status.getReasonPhrase(), "status", status.value(), "detail", detail)));
    }
}
