package io.emporium.payment;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The rooms of the payment service and which way their arrows point (docs/architecture.md, "Layering rules"). */
@AnalyzeClasses(packages = "io.emporium.payment", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule domainIsPure = noClasses().that().resideInAPackage("..payment.domain..")
      .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "java.sql..", "javax.sql..", "io.grpc..", "com.stripe..",
          "io.emporium.common.grpc..", "io.emporium.common.db..", "io.emporium.common.events..")
      .orShould().dependOnClassesThat().haveSimpleNameEndingWith("GrpcClient")
      .orShould().dependOnClassesThat().haveSimpleNameEndingWith("GrpcService")
      .because("the rules are plain Java, tested without servers");

  @ArchTest
  static final ArchRule domainIsTheBottom = noClasses().that().resideInAPackage("..payment.domain..")
      .should().dependOnClassesThat().resideInAnyPackage("..payment.grpc..", "..payment.store..", "..payment.publish..",
          "..payment.consume..", "..payment.client..");

  @ArchTest
  static final ArchRule storesAndEventsLookOnlyDown = noClasses().that().resideInAnyPackage("..payment.store..", "..payment.publish..")
      .should().dependOnClassesThat().resideInAnyPackage("..payment.grpc..", "..payment.consume..", "..payment.client..");

  @ArchTest
  static final ArchRule eventsDoNotReachIntoStores = noClasses().that().resideInAPackage("..payment.publish..")
      .should().dependOnClassesThat().resideInAPackage("..payment.store..")
      .because("a store writes its events in its transaction, never the other way round");

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("io.emporium.payment.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noOtherService = noClasses().that().resideInAPackage("io.emporium.payment..")
      .should().dependOnClassesThat().resideInAnyPackage("io.emporium.catalog..", "io.emporium.edge..", "io.emporium.ordering..",
          "io.emporium.realtime..")
      .because("services meet only through proto and common");
}
