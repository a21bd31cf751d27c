package com.custarea.app.security;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.custarea.routes.email.SystemMailer;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.tenants.TenantRepository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signing up, in and out: a tenant with its first admin, passwords (bcrypt), one-time codes by e-mail, refresh and
 * revocation. Wrong credentials all get the same answer, and sign-in attempts are rate-limited per address and per
 * client address.
 */
@Service
public class AuthService {

    /** The hash compared when the user does not exist, so a missing account takes as long as a wrong password. */
    private static final String DUMMY_HASH = new BCryptPasswordEncoder().encode("custarea-no-such-user");

    private final TenantRepository tenants;
    private final UserRepository users;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final OneTimeCodes codes;
    private final SystemMailer mailer;
    private final TransactionTemplate transaction;
    private final PasswordEncoder passwords = new BCryptPasswordEncoder();
    private final RateLimits loginsPerAddress;
    private final RateLimits loginsPerClient;
    private final RateLimits codesPerAddress;
    private final RateLimits codesPerClient;

    public AuthService(TenantRepository tenants, UserRepository users, AccessTokens accessTokens,
                       RefreshTokens refreshTokens, OneTimeCodes codes, SystemMailer mailer,
                       TransactionTemplate transaction,
                       @Value("${custarea.security.login-limit-per-address:10}") int loginsPerAddress,
                       @Value("${custarea.security.login-limit-per-client:30}") int loginsPerClient,
                       @Value("${custarea.security.otp-limit-per-address:3}") int codesPerAddress,
                       @Value("${custarea.security.otp-limit-per-client:10}") int codesPerClient,
                       @Value("${custarea.security.rate-limit-period:10m}") Duration period) {
        this.tenants = tenants;
        this.users = users;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.codes = codes;
        this.mailer = mailer;
        this.transaction = transaction;
        this.loginsPerAddress = new RateLimits("sign-in", loginsPerAddress, period);
        this.loginsPerClient = new RateLimits("sign-in", loginsPerClient, period);
        this.codesPerAddress = new RateLimits("one-time code", codesPerAddress, period);
        this.codesPerClient = new RateLimits("one-time code", codesPerClient, period);
    }

    /** Creates a tenant and its first admin, and signs the admin in. */
    public TokenPair register(String tenantName, String name, String email, String password, String client) {
        loginsPerClient.acquire(client);
        requireStrong(password);
        if (users.findByEmail(email).isPresent()) {
            throw new ProblemException(409, "email-taken", "Conflict", "An account with this e-mail already exists",
                    List.of(new Problem.FieldError("/email", "already registered")), null);
        }
        String hash = passwords.encode(password);
        User admin = transaction.execute(tx -> {
            UUID tenantId = tenants.create(tenantName);
            return users.create(tenantId, email, name, hash, Role.ADMIN);
        });
        return signIn(admin);
    }

    /** Signs in with e-mail and password. */
    public TokenPair login(String email, String password, String client) {
        loginsPerClient.acquire(client);
        loginsPerAddress.acquire(UserRepository.normalise(email));
        User user = users.findByEmail(email).orElse(null);
        String hash = user == null || user.passwordHash() == null ? DUMMY_HASH : user.passwordHash();
        boolean matches = passwords.matches(password, hash);
        if (user == null || user.disabled() || user.passwordHash() == null || !matches) {
            throw ProblemException.unauthorized("invalid-credentials", "The e-mail or the password is wrong");
        }
        return signIn(user);
    }

    /** Sends a one-time code to {@code email} if it has an account; answers the same either way. */
    public void sendCode(String email, String client, String correlationId) {
        codesPerClient.acquire(client);
        String address = UserRepository.normalise(email);
        codesPerAddress.acquire(address);
        users.findByEmail(address).filter(user -> !user.disabled()).ifPresent(user -> {
            String code = codes.issue(address);
            mailer.send(user.tenantId(), address, "Your CustArea sign-in code",
                    "Your sign-in code is " + code + ". It expires in " + codes.lifetime().toMinutes()
                            + " minutes. If you did not ask for it, ignore this e-mail.", correlationId);
        });
    }

    /** Signs in with a one-time code. */
    public TokenPair verifyCode(String email, String code, String client) {
        loginsPerClient.acquire(client);
        String address = UserRepository.normalise(email);
        if (!codes.redeem(address, code)) {
            throw ProblemException.unauthorized("invalid-code", "The code is wrong, used or expired");
        }
        User user = users.findByEmail(address).filter(found -> !found.disabled())
                .orElseThrow(() -> ProblemException.unauthorized("invalid-code", "The code is wrong, used or expired"));
        return signIn(user);
    }

    /** Exchanges a refresh token for a new pair (the old token stops working). */
    public TokenPair refresh(String refreshToken, String client) {
        loginsPerClient.acquire(client);
        RefreshTokens.Rotation rotation = refreshTokens.rotate(refreshToken);
        return pair(rotation.user(), rotation.refreshToken());
    }

    /** Revokes the sign-in of {@code refreshToken}. */
    public void logout(String refreshToken) {
        refreshTokens.revoke(refreshToken);
    }

    /** Hashes a password for a new user. */
    public String hash(String password) {
        requireStrong(password);
        return passwords.encode(password);
    }

    private TokenPair signIn(User user) {
        return pair(user, refreshTokens.issue(user.asCaller()));
    }

    private TokenPair pair(User user, String refreshToken) {
        return new TokenPair(accessTokens.issue(user.asCaller()), "Bearer", accessTokens.lifetime().toSeconds(),
                refreshToken, TokenPair.Account.of(user));
    }

    private static void requireStrong(String password) {
        if (password == null || password.length() < 10 || password.length() > 200) {
            throw ProblemException.badRequest("The password is too weak",
                    List.of(new Problem.FieldError("/password", "must have 10 to 200 characters")));
        }
    }
}
