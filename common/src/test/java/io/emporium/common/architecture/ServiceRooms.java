package io.emporium.common.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The rooms of a service and which way their arrows point (docs/architecture.md, "Layering rules"),
 * checked by every service module's {@code ArchitectureTest}: {@code grpc} (the served contract),
 * {@code domain} (pure rules and types), {@code store} (SQL), {@code publish} (its outbox events),
 * {@code consume} (other services' events), and at most one room of its own. Wiring (the verticle)
 * sits at the service's top.
 */
public final class ServiceRooms {
  /** The service modules; a service meets the others only through proto and common. */
  private static final List<String> SERVICES =
      List.of(
          "catalog",
          "edge",
          "ordering",
          "payment",
          "realtime",
          "stripe",
          "paypal",
          "emulator",
          "deploy");

  private static final List<String> ROOMS =
      List.of("grpc", "domain", "store", "publish", "consume");

  private ServiceRooms() {}

  /**
   * One dynamic test per rule for the service whose code is under {@code base} (such as {@code
   * io.emporium.ordering}), with its own room ({@code saga}, {@code files}, ...) or null. A service
   * may lack a room (realtime publishes nothing); the rules that speak of every class of the
   * service fail when it has none, so a wrong {@code base} is not a pass.
   */
  public static Stream<DynamicTest> check(String base, String ownRoom) {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(base);
    return rules(base, ownRoom).stream()
        .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(classes)));
  }

  static List<ArchRule> rules(String base, String ownRoom) {
    String domain = base + ".domain..";
    String grpc = base + ".grpc..";
    String store = base + ".store..";
    String publish = base + ".publish..";
    String consume = base + ".consume..";
    List<String> above = new ArrayList<>(List.of(grpc, consume));
    List<String> rooms = new ArrayList<>(ROOMS);
    if (ownRoom != null) {
      above.add(base + "." + ownRoom + "..");
      rooms.add(ownRoom);
    }
    List<String> aboveDomain = new ArrayList<>(above);
    aboveDomain.addAll(List.of(store, publish));
    String service = base.split("\\.")[2];
    List<String> others =
        SERVICES.stream()
            .filter(s -> !s.equals(service))
            .map(s -> "io.emporium." + s + "..")
            .toList();
    List<String> inRooms = rooms.stream().map(r -> base + "." + r + "..").toList();

    return List.of(
        noClasses()
            .that()
            .resideInAPackage(domain)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "io.vertx..",
                "java.sql..",
                "javax.sql..",
                "io.grpc..",
                "com.stripe..",
                "io.emporium.common.grpc..",
                "io.emporium.common.db..",
                "io.emporium.common.events..")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("GrpcClient")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("GrpcService")
            .because("the rules are plain Java, tested without servers")
            .allowEmptyShould(true),
        noClasses()
            .that()
            .resideInAPackage(domain)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(aboveDomain.toArray(String[]::new))
            .because("the domain is the bottom room: everything else may use it")
            .allowEmptyShould(true),
        noClasses()
            .that()
            .resideInAnyPackage(store, publish)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(above.toArray(String[]::new))
            .because(
                "stores and publishers are used by what serves and consumes, never the other way round")
            .allowEmptyShould(true),
        noClasses()
            .that()
            .resideInAPackage(publish)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(store)
            .because("a store writes its events in its transaction, never the other way round")
            .allowEmptyShould(true),
        slices()
            .matching(base + ".(*)..")
            .should()
            .beFreeOfCycles()
            .because("a cycle makes two rooms one"),
        classes()
            .that()
            .resideInAPackage(base + "..")
            .and()
            .resideOutsideOfPackage(base)
            .should()
            .resideInAnyPackage(inRooms.toArray(String[]::new))
            .because("every service has the same rooms, and at most one of its own"),
        noClasses()
            .that()
            .resideInAPackage(base + "..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(others.toArray(String[]::new))
            .because("services meet only through proto and common"));
  }
}
