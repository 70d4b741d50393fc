package io.emporium.realtime.domain;

import java.util.UUID;

/** A user mail can go to, as identity last announced them. */
public record Recipient(UUID userId, String email, String fullName, String role, boolean active) {}
