package com.custarea.routes.contacts;

import java.util.UUID;

/** What a merge moved from the merged contact to the one that remains. */
public record MergeResult(UUID contactId, UUID mergedContactId, int identifiersMoved, int conversationsMoved,
                          int notesMoved) {
}
