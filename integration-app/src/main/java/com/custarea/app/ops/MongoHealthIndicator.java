package com.custarea.app.ops;

import com.mongodb.client.MongoClient;
import org.bson.Document;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/** MongoDB (the knowledge base store) is up when it answers a ping. */
@Component("mongo")
public class MongoHealthIndicator extends AbstractHealthIndicator {

    private final MongoClient client;
    private final String database;

    public MongoHealthIndicator(MongoClient client, @Value("${custarea.mongodb.database:custarea}") String database) {
        super("MongoDB health check failed");
        this.client = client;
        this.database = database;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Document answer = client.getDatabase(database).runCommand(new Document("ping", 1));
        builder.up().withDetail("database", database).withDetail("ok", answer.get("ok"));
    }
}
