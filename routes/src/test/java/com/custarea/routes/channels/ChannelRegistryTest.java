package com.custarea.routes.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.custarea.routes.support.SecretCipher;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

class ChannelRegistryTest {

    private final UUID channelId = UUID.randomUUID();
    private final UUID tenantId = UUID.randomUUID();
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final AtomicInteger loads = new AtomicInteger();
    private final ChannelRegistry registry = new ChannelRegistry(new Database(), new SecretCipher(new byte[32]),
            Duration.ofMillis(50), Duration.ofHours(1));

    @Test
    void aLookupKeepsItsLastAnswerWhileTheDatabaseIsDown() {
        assertThat(registry.find(tenantId, channelId)).isPresent();
        databaseDown.set(true);

        // well past the refresh interval: the reload fails, the channel is still known
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(registry.find(tenantId, channelId)).isPresent();
            assertThat(loads.get()).isGreaterThan(1);
        });

        databaseDown.set(false);
        int before = loads.get();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            registry.find(channelId);
            assertThat(loads.get()).isGreaterThan(before);
        });
    }

    @Test
    void aChannelNeverSeenBeforeTheOutageIsAFailure() {
        databaseDown.set(true);
        assertThatThrownBy(() -> registry.find(channelId)).isInstanceOf(DataAccessResourceFailureException.class);
    }

    /** PostgreSQL as the registry sees it: one API channel, or no connection at all. */
    private final class Database extends NamedParameterJdbcTemplate {

        Database() {
            super(new org.springframework.jdbc.datasource.SimpleDriverDataSource());
        }

        @Override
        public <T> List<T> query(String sql, Map<String, ?> params, RowMapper<T> mapper) {
            loads.incrementAndGet();
            if (databaseDown.get()) {
                throw new DataAccessResourceFailureException("Connection refused");
            }
            try {
                ResultSet row = (ResultSet) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {ResultSet.class}, (proxy, method, args) -> switch (method.getName()) {
                            case "getObject" -> args[0].equals("id") ? channelId : tenantId;
                            case "getString" -> switch ((String) args[0]) {
                                case "type" -> "api";
                                case "name" -> "API";
                                case "config" -> "{}";
                                default -> null;
                            };
                            case "getBoolean" -> true;
                            default -> null;
                        });
                return List.of(mapper.mapRow(row, 0));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
