package com.custarea.app.api;

import com.custarea.app.security.TokenPair;
import org.springframework.stereotype.Component;

/** /api/auth (the seed's password sign-in) and /api/v2/auth/otp (one-time codes by e-mail): public, rate-limited. */
@Component
public class AuthRoutes extends DashboardApiRoutes {

    private final AuthApi api;

    public AuthRoutes(AuthApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/auth").tag("Authentication")
                .post("/register").id("auth-register").consumes("application/json").produces("application/json")
                    .description("Create a tenant and its first admin; returns tokens")
                    .type(RequestBodies.Register.class).outType(TokenPair.class)
                    .responseMessage().code(201).message("Registered and signed in").endResponseMessage()
                    .responseMessage().code(409).message("The e-mail already has an account").endResponseMessage()
                    .to(handler("auth-register"))
                .post("/login").id("auth-login").consumes("application/json").produces("application/json")
                    .description("Sign in with e-mail and password").type(RequestBodies.Login.class).outType(TokenPair.class)
                    .responseMessage().code(401).message("Wrong e-mail or password").endResponseMessage()
                    .responseMessage().code(429).message("Too many attempts; see Retry-After").endResponseMessage()
                    .to(handler("auth-login"))
                .post("/refresh").id("auth-refresh").consumes("application/json").produces("application/json")
                    .description("Exchange a refresh token for a new pair; the old one stops working")
                    .type(RequestBodies.Refresh.class).outType(TokenPair.class).to(handler("auth-refresh"))
                .post("/logout").id("auth-logout").consumes("application/json")
                    .description("Revoke the sign-in of a refresh token").type(RequestBodies.Refresh.class)
                    .responseMessage().code(204).message("Signed out").endResponseMessage()
                    .to(handler("auth-logout"));
        rest("/api/v2/auth/otp").tag("Authentication")
                .post("/send").id("otp-send").consumes("application/json").produces("application/json")
                    .description("E-mail a one-time sign-in code (the same answer whether the address has an account)")
                    .type(RequestBodies.OtpSend.class)
                    .responseMessage().code(202).message("A code is on its way if the address has an account")
                    .endResponseMessage()
                    .to(handler("otp-send"))
                .post("/verify").id("otp-verify").consumes("application/json").produces("application/json")
                    .description("Sign in with a one-time code").type(RequestBodies.OtpVerify.class)
                    .outType(TokenPair.class).to(handler("otp-verify"));

        handle("auth-register", api::register);
        handle("auth-login", api::login);
        handle("auth-refresh", api::refresh);
        handle("auth-logout", api::logout);
        handle("otp-send", api::sendCode);
        handle("otp-verify", api::verifyCode);
    }
}
