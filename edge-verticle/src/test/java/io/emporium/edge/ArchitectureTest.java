package io.emporium.edge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.emporium.common.architecture.ServiceRooms;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The edge's layering: identity keeps the rooms every service keeps (ServiceRooms), with its account flows at its top;
 * the edge's packages form no cycle and never import another service's module.
 */
class ArchitectureTest {
  private static final String EDGE = "io.emporium.edge";
  private static final String IDENTITY = EDGE + ".identity";

  @TestFactory
  Stream<DynamicTest> identityKeepsTheRoomsOfAService() {
    return ServiceRooms.check(IDENTITY, null);
  }

  @TestFactory
  Stream<DynamicTest> theEdgeIsLayered() {
    JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(EDGE);
    return rules().stream().map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(classes)));
  }

  private static List<ArchRule> rules() {
    return List.of(
        noClasses().that().resideInAnyPackage(IDENTITY + ".grpc..", IDENTITY + ".domain..", IDENTITY + ".store..", IDENTITY + ".publish..")
            .should().dependOnClassesThat().resideInAPackage(IDENTITY)
            .because("the account flows at identity's top use the rooms, never the other way round"),
        noClasses().that().resideInAPackage(IDENTITY + "..")
            .should().dependOnClassesThat().resideInAnyPackage(EDGE + ".http..", EDGE + ".audit..", EDGE + ".cache..")
            .because("identity is a service the HTTP layer calls; it knows nothing of it"),
        slices().matching(EDGE + ".(*)..").should().beFreeOfCycles()
            .because("a cycle makes two packages one"),
        noClasses().that().resideInAPackage(EDGE + "..")
            .should().dependOnClassesThat().resideInAnyPackage("io.emporium.catalog..", "io.emporium.ordering..",
                "io.emporium.payment..", "io.emporium.realtime..", "io.emporium.stripe..", "io.emporium.deploy..")
            .because("the edge meets the services only through proto and common"));
  }
}
