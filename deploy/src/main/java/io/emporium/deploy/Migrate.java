package io.emporium.deploy;

import io.emporium.common.config.ConfigException;
import io.emporium.common.config.ConfigSources;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.config.EmporiumConfig.Service;
import io.emporium.common.db.Database;
import io.emporium.deploy.embedded.EmbeddedServices;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code migrate} command: applies the schema migrations of every service (or those of {@code
 * --services}) to the database of {@code DB_*} and exits, so that services can start with {@code
 * MIGRATE_ON_START=false}. Without {@code DB_HOST} it migrates the embedded PostgreSQL in {@code
 * DATA_DIR}, which it starts and stops for that.
 */
final class Migrate {
  private Migrate() {}

  static final String USAGE =
      "usage: java -jar emporium.jar migrate [--services=edge,catalog,ordering,payment,realtime] [--config=FILE]";

  /**
   * Runs the step, printing one line per schema; throws what failed (the caller prints it as one
   * line).
   */
  static void run(String[] args, Map<String, String> environment, PrintStream out)
      throws Exception {
    LaunchOptions options = LaunchOptions.parse(args);
    if (options.ephemeral()
        || options.syntheticProducts() > 0
        || options.stripeEmulator()
        || options.paypalEmulator()
        || options.backingServices()
        || options.services().isEmpty()) {
      throw new ConfigException(
          "migrate takes only --services (edge, catalog, ordering, payment, realtime) and --config, got "
              + String.join(" ", Arrays.asList(args))
              + "\n"
              + USAGE);
    }
    Map<String, String> settings =
        new HashMap<>(ConfigSources.merge(options.configFile(), environment));
    EmbeddedServices embedded = null;
    if (settings.getOrDefault("DB_HOST", "").isBlank()) {
      Path dataDir =
          Path.of(settings.getOrDefault("DATA_DIR", "./.emporium")).toAbsolutePath().normalize();
      out.println("DB_HOST is not set: migrating the embedded PostgreSQL in " + dataDir);
      embedded = EmbeddedServices.startDatabase(dataDir);
      settings.putAll(embedded.settings());
    }
    try {
      EmporiumConfig.Database database = EmporiumConfig.databaseFrom(settings);
      for (Service service : options.services()) {
        String schema = service.schema();
        int applied = Database.migrate(database, schema);
        String version = Database.appliedVersion(database, schema);
        out.println(
            applied == 0
                ? "  " + schema + ": up to date at version " + version
                : "  "
                    + schema
                    + ": applied "
                    + applied
                    + " migration"
                    + (applied == 1 ? "" : "s")
                    + ", now at version "
                    + version);
      }
      out.println(
          "Emporium schemas migrated in "
              + database.host()
              + ":"
              + database.port()
              + "/"
              + database.name());
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
