package com.custarea.routes.teams;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A team as the API shows it: its members in the order a round-robin assignment takes them. */
public record TeamView(UUID id, String name, List<UUID> memberIds, Instant createdAt, Instant updatedAt) {
}
