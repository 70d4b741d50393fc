package io.emporium.realtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The rooms of the realtime service and which way their arrows point (docs/architecture.md, "Layering rules"). */
@AnalyzeClasses(packages = "io.emporium.realtime", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule domainIsPure = noClasses().that().resideInAPackage("..realtime.domain..")
      .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "java.sql..", "javax.sql..", "io.grpc..",
          "io.emporium.common.grpc..", "io.emporium.common.db..", "io.emporium.common.events..")
      .orShould().dependOnClassesThat().haveSimpleNameEndingWith("GrpcClient")
      .orShould().dependOnClassesThat().haveSimpleNameEndingWith("GrpcService")
      .because("the rules are plain Java, tested without servers");

  @ArchTest
  static final ArchRule domainIsTheBottom = noClasses().that().resideInAPackage("..realtime.domain..")
      .should().dependOnClassesThat().resideInAnyPackage("..realtime.grpc..", "..realtime.store..", "..realtime.consume..",
          "..realtime.mail..");

  @ArchTest
  static final ArchRule storesLookOnlyDown = noClasses().that().resideInAPackage("..realtime.store..")
      .should().dependOnClassesThat().resideInAnyPackage("..realtime.grpc..", "..realtime.consume..", "..realtime.mail..");

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("io.emporium.realtime.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noOtherService = noClasses().that().resideInAPackage("io.emporium.realtime..")
      .should().dependOnClassesThat().resideInAnyPackage("io.emporium.catalog..", "io.emporium.edge..", "io.emporium.ordering..",
          "io.emporium.payment..")
      .because("services meet only through proto and common");
}
