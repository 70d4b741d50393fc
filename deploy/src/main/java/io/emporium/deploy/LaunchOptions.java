package io.emporium.deploy;

import io.emporium.common.config.ConfigException;
import io.emporium.common.config.EmporiumConfig.Service;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Command-line options of the launcher. {@code stripeEmulator}: run the Stripe emulator here even
 * when no payment service needs it ({@code --services=stripe-emulator}); {@code paypalEmulator}
 * likewise for the PayPal emulator ({@code --services=paypal-emulator}). {@code backingServices}:
 * with no service, still start the embedded backing services the settings leave unconfigured
 * ({@code --services=backing}), for services in other processes.
 */
public record LaunchOptions(
    Set<Service> services,
    boolean ephemeral,
    Path configFile,
    int syntheticProducts,
    boolean stripeEmulator,
    boolean paypalEmulator,
    boolean backingServices) {

  static final String USAGE =
      """
      usage: java -jar emporium.jar [--services=edge,catalog,ordering,payment,realtime,stripe-emulator,paypal-emulator,backing] [--ephemeral]
                                    [--config=FILE] [--synthetic-products=N]
             java -jar emporium.jar migrate [--services=...] [--config=FILE]
        migrate               apply the services' schema migrations to the database and exit (for MIGRATE_ON_START=false)
        --services            run only these services; the others are reached at their *_GRPC_ADDRESS (default: all);
                              stripe-emulator alone runs just the Stripe emulator (on STRIPE_EMULATOR_PORT),
                              paypal-emulator just the PayPal emulator (on PAYPAL_EMULATOR_PORT); backing
                              alone runs just the embedded PostgreSQL, Redis, Kafka and SMTP sink and prints their settings
        --ephemeral           keep embedded data in a temporary directory that is deleted on exit
        --config              a .env-style file of settings (KEY=VALUE); environment variables win over it
        --synthetic-products  after start, add N generated products to the catalog (for benchmarks)""";

  public LaunchOptions(Set<Service> services, boolean ephemeral, Path configFile) {
    this(services, ephemeral, configFile, 0, false, false, false);
  }

  public static LaunchOptions all() {
    return new LaunchOptions(EnumSet.allOf(Service.class), false, null, 0, false, false, false);
  }

  public static LaunchOptions parse(String... args) {
    Set<Service> services = EnumSet.allOf(Service.class);
    boolean ephemeral = false;
    Path config = null;
    int synthetic = 0;
    boolean stripeEmulator = false;
    boolean paypalEmulator = false;
    boolean backing = false;
    for (String arg : args) {
      if (arg.startsWith("--services=")) {
        services = EnumSet.noneOf(Service.class);
        for (String name : arg.substring("--services=".length()).split(",")) {
          if (name.strip().equalsIgnoreCase("stripe-emulator")) {
            stripeEmulator = true;
          } else if (name.strip().equalsIgnoreCase("paypal-emulator")) {
            paypalEmulator = true;
          } else if (name.strip().equalsIgnoreCase("backing")) {
            backing = true;
          } else {
            services.add(service(name.strip()));
          }
        }
      } else if (arg.equals("--ephemeral")) {
        ephemeral = true;
      } else if (arg.startsWith("--synthetic-products=")) {
        synthetic = syntheticProducts(arg.substring("--synthetic-products=".length()));
      } else if (arg.startsWith("--config=")) {
        config = Path.of(arg.substring("--config=".length()));
      } else {
        throw new ConfigException("unknown argument '" + arg + "'\n" + USAGE);
      }
    }
    return new LaunchOptions(
        services, ephemeral, config, synthetic, stripeEmulator, paypalEmulator, backing);
  }

  private static int syntheticProducts(String raw) {
    try {
      int n = Integer.parseInt(raw);
      if (n >= 1 && n <= 10_000_000) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ConfigException(
        "--synthetic-products must be a whole number from 1 to 10000000, got '" + raw + "'");
  }

  private static Service service(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "edge" -> Service.EDGE;
      case "catalog" -> Service.CATALOG;
      case "ordering", "order" -> Service.ORDERING;
      case "payment" -> Service.PAYMENT;
      case "realtime" -> Service.REALTIME;
      default ->
          throw new ConfigException(
              "--services: unknown service '"
                  + name
                  + "' (edge, catalog, ordering, payment, realtime, stripe-emulator, paypal-emulator, backing)");
    };
  }

  public LaunchOptions ephemeral(boolean on) {
    return new LaunchOptions(
        services,
        on,
        configFile,
        syntheticProducts,
        stripeEmulator,
        paypalEmulator,
        backingServices);
  }
}
