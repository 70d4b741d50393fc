package io.emporium.edge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.emporium.common.architecture.ServiceRooms;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The edge's layering: identity keeps the rooms every service keeps (ServiceRooms), with its
 * account flows at its top; the HTTP layer is split by audience, whose packages share only the
 * plumbing at {@code http}'s top and the JSON mapping in {@code http.json}; the edge's packages
 * form no cycle and never import another service's module.
 */
class ArchitectureTest {
  private static final String EDGE = "io.emporium.edge";
  private static final String IDENTITY = EDGE + ".identity";
  private static final String HTTP = EDGE + ".http";
  private static final List<String> AUDIENCES = List.of("shop", "seller", "admin", "account");

  @TestFactory
  Stream<DynamicTest> identityKeepsTheRoomsOfAService() {
    return ServiceRooms.check(IDENTITY, null);
  }

  @TestFactory
  Stream<DynamicTest> theEdgeIsLayered() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(EDGE);
    return rules().stream()
        .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(classes)));
  }

  private static List<ArchRule> rules() {
    List<ArchRule> rules =
        new ArrayList<>(
            List.of(
                noClasses()
                    .that()
                    .resideInAnyPackage(
                        IDENTITY + ".grpc..",
                        IDENTITY + ".domain..",
                        IDENTITY + ".store..",
                        IDENTITY + ".publish..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(IDENTITY)
                    .because(
                        "the account flows at identity's top use the rooms, never the other way round"),
                noClasses()
                    .that()
                    .resideInAPackage(IDENTITY + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(HTTP + "..", EDGE + ".audit..", EDGE + ".cache..")
                    .because("identity is a service the HTTP layer calls; it knows nothing of it"),
                classes()
                    .that()
                    .resideInAPackage(HTTP + "..")
                    .and()
                    .resideOutsideOfPackage(HTTP)
                    .should()
                    .resideInAnyPackage(
                        Stream.concat(AUDIENCES.stream(), Stream.of("json"))
                            .map(p -> HTTP + "." + p + "..")
                            .toArray(String[]::new))
                    .because(
                        "routes live with their audience; what they share is plumbing (http's top) or JSON mapping (http.json)"),
                noClasses()
                    .that()
                    .resideInAPackage(HTTP)
                    .or()
                    .resideInAPackage(HTTP + ".json..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                        AUDIENCES.stream().map(a -> HTTP + "." + a + "..").toArray(String[]::new))
                    .because("the shared pieces serve every audience and belong to none"),
                noClasses()
                    .that()
                    .resideInAPackage(HTTP)
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(HTTP + ".json..")
                    .because(
                        "the plumbing (requests, answers, problems, sign-in, limits) knows no resource's JSON"),
                slices()
                    .matching(EDGE + ".(*)..")
                    .should()
                    .beFreeOfCycles()
                    .because("a cycle makes two packages one"),
                slices()
                    .matching(HTTP + ".(*)..")
                    .should()
                    .beFreeOfCycles()
                    .because("a cycle makes two packages one"),
                noClasses()
                    .that()
                    .resideInAPackage(EDGE + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                        "io.emporium.catalog..",
                        "io.emporium.ordering..",
                        "io.emporium.payment..",
                        "io.emporium.realtime..",
                        "io.emporium.stripe..",
                        "io.emporium.deploy..")
                    .because("the edge meets the services only through proto and common")));
    for (String audience : AUDIENCES) {
      rules.add(
          noClasses()
              .that()
              .resideInAPackage(HTTP + "." + audience + "..")
              .should()
              .dependOnClassesThat()
              .resideInAnyPackage(
                  AUDIENCES.stream()
                      .filter(a -> !a.equals(audience))
                      .map(a -> HTTP + "." + a + "..")
                      .toArray(String[]::new))
              .because(
                  "each audience's routes stand alone; what two of them need lives in http.json or http's top"));
    }
    return rules;
  }
}
