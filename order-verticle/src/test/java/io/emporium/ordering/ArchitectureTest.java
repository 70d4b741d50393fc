package io.emporium.ordering;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The rooms of the ordering service and which way their arrows point (docs/architecture.md, "Layering rules"). */
@AnalyzeClasses(packages = "io.emporium.ordering", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule domainIsPure = noClasses().that().resideInAPackage("..ordering.domain..")
      .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "java.sql..", "javax.sql..", "io.grpc..",
          "io.emporium.common.grpc..", "io.emporium.common.db..", "io.emporium.common.events..")
      .orShould().dependOnClassesThat().haveSimpleNameEndingWith("GrpcClient")
      .orShould().dependOnClassesThat().haveSimpleNameEndingWith("GrpcService")
      .because("the rules are plain Java, tested without servers");

  @ArchTest
  static final ArchRule domainIsTheBottom = noClasses().that().resideInAPackage("..ordering.domain..")
      .should().dependOnClassesThat().resideInAnyPackage("..ordering.grpc..", "..ordering.store..", "..ordering.publish..",
          "..ordering.consume..", "..ordering.saga..");

  @ArchTest
  static final ArchRule storesAndEventsLookOnlyDown = noClasses().that().resideInAnyPackage("..ordering.store..", "..ordering.publish..")
      .should().dependOnClassesThat().resideInAnyPackage("..ordering.grpc..", "..ordering.consume..", "..ordering.saga..");

  @ArchTest
  static final ArchRule storesDoNotKnowTheCaller = noClasses().that().resideInAPackage("..ordering.store..")
      .should().dependOnClassesThat().resideInAPackage("io.emporium.common.grpc..")
      .because("who asked is the served contract's business; a store is handed what it writes");

  @ArchTest
  static final ArchRule eventsDoNotReachIntoStores = noClasses().that().resideInAPackage("..ordering.publish..")
      .should().dependOnClassesThat().resideInAPackage("..ordering.store..")
      .because("a store writes its events in its transaction, never the other way round");

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("io.emporium.ordering.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noOtherService = noClasses().that().resideInAPackage("io.emporium.ordering..")
      .should().dependOnClassesThat().resideInAnyPackage("io.emporium.catalog..", "io.emporium.edge..", "io.emporium.payment..",
          "io.emporium.realtime..")
      .because("services meet only through proto and common");
}
