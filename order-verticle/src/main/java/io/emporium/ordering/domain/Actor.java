package io.emporium.ordering.domain;

/**
 * Who moved an order: a user (their id) in the role they acted in, or the platform itself
 * (payments, sweepers).
 */
public record Actor(String id, String role) {
  /** The id and the role recorded for the platform's own moves. */
  public static final String SYSTEM_ROLE = "system";

  public static final Actor SYSTEM = new Actor(SYSTEM_ROLE, SYSTEM_ROLE);

  /**
   * The service name the ordering service gives when it calls another service on its own account.
   */
  public static final String SERVICE = "ordering";
}
