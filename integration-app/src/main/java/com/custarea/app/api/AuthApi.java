package com.custarea.app.api;

import com.custarea.app.security.AuthService;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The handlers of sign-up, sign-in (password or one-time code), refresh and sign-out. */
@Component
public class AuthApi {

    private final AuthService auth;

    public AuthApi(AuthService auth) {
        this.auth = auth;
    }

    public void register(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        String client = request.clientAddress();
        JsonNode body = request.json("auth-register");
        request.created(auth.register(body.get("tenantName").asText(), body.get("name").asText(),
                body.get("email").asText(), body.get("password").asText(), client));
    }

    public void login(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        String client = request.clientAddress();
        JsonNode body = request.json("auth-login");
        request.ok(auth.login(body.get("email").asText(), body.get("password").asText(), client));
    }

    public void refresh(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        String client = request.clientAddress();
        request.ok(auth.refresh(request.json("auth-refresh").get("refreshToken").asText(), client));
    }

    public void logout(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        auth.logout(request.json("auth-refresh").get("refreshToken").asText());
        request.noContent();
    }

    public void sendCode(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        String client = request.clientAddress();
        String correlationId = request.correlationId();
        auth.sendCode(request.json("otp-send").get("email").asText(), client, correlationId);
        request.accepted(new Sent("If this address has an account, a code is on its way."));
    }

    public void verifyCode(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        String client = request.clientAddress();
        JsonNode body = request.json("otp-verify");
        request.ok(auth.verifyCode(body.get("email").asText(), body.get("code").asText(), client));
    }

    /** The answer to a code request: the same whether the address has an account or not. */
    record Sent(String status) {
    }
}
