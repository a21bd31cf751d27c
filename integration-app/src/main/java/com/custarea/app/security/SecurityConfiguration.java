package com.custarea.app.security;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.task.DelegatingSecurityContextAsyncTaskExecutor;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Who may call what: the dashboard API needs a bearer access token (HS256 pinned; issuer, audience and expiry
 * checked); signed webhooks, sign-in, the widget's API (its own visitor tokens), health, metrics and the API docs
 * are public; ops endpoints are for admins.
 * Failures are RFC 9457 problems.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    /** Paths anyone may call: they authenticate otherwise (signatures, credentials) or are harmless. */
    static final String[] PUBLIC = {
        "/api/auth/**", "/api/v2/auth/**", "/api/channels/api/**", "/api/webhooks/**", "/api/widget/**",
        "/api/internal/voice/**",
        "/api/openapi.json", "/api/docs/**",
        "/webjars/**", "/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus",
        "/demo/**", "/error"
    };

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, JwtDecoder decoder, ProblemSecurityHandlers problems)
            throws Exception {
        http.csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers(PUBLIC).permitAll()
                        .requestMatchers("/api/ops/**").hasRole("ADMIN")
                        .requestMatchers("/api/**").authenticated()
                        .anyRequest().permitAll())
                .oauth2ResourceServer(resource -> resource
                        .bearerTokenResolver(bearerTokens())
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems)
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(roles())))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems));
        return http.build();
    }

    @Bean
    JwtDecoder jwtDecoder(JwtKeys keys) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(keys.signingKey())
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
        OAuth2TokenValidator<Jwt> audience = jwt -> jwt.getAudience() != null
                && jwt.getAudience().contains(AccessTokens.AUDIENCE)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "Wrong audience", null));
        OAuth2TokenValidator<Jwt> claims = jwt -> jwt.getClaimAsString(AccessTokens.TENANT_CLAIM) != null
                && jwt.getClaimAsString(AccessTokens.ROLE_CLAIM) != null && jwt.getSubject() != null
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "Missing claims", null));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(AccessTokens.ISSUER), audience, claims));
        return decoder;
    }

    /**
     * The pool that runs Camel's HTTP routes, wrapped so each route sees the caller's security context (Camel
     * platform-http hands every request to this executor).
     */
    @Bean
    @Primary
    DelegatingSecurityContextAsyncTaskExecutor httpRouteExecutor(ThreadPoolTaskExecutor applicationTaskExecutor) {
        return new DelegatingSecurityContextAsyncTaskExecutor(applicationTaskExecutor);
    }

    @Bean(name = {"applicationTaskExecutor", "taskExecutor"})
    ThreadPoolTaskExecutor applicationTaskExecutor(ThreadPoolTaskExecutorBuilder builder) {
        return builder.build();
    }

    private static JwtAuthenticationConverter roles() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> List.of(new SimpleGrantedAuthority(
                "ROLE_" + jwt.getClaimAsString(AccessTokens.ROLE_CLAIM).toUpperCase(java.util.Locale.ROOT))));
        return converter;
    }

    /**
     * Bearer tokens come in the Authorization header; the event stream also takes ?access_token= (EventSource). The
     * widget's visitor tokens, the voice bridge's token and Google's push tokens (/api/webhooks/gmail) are not the
     * dashboard's: their endpoints check them.
     */
    private static BearerTokenResolver bearerTokens() {
        DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
        DefaultBearerTokenResolver headerOrQuery = new DefaultBearerTokenResolver();
        headerOrQuery.setAllowUriQueryParameter(true);
        return (HttpServletRequest request) -> request.getRequestURI().startsWith("/api/widget/")
                || request.getRequestURI().startsWith("/api/internal/voice/")
                || request.getRequestURI().startsWith("/api/webhooks/") ? null
                : "/api/events".equals(request.getRequestURI()) ? headerOrQuery.resolve(request)
                : header.resolve(request);
    }
}
