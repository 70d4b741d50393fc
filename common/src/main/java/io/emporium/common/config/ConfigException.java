package io.emporium.common.config;

/** A bad or missing setting; the message is one line that names the variable. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
