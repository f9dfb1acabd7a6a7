package dev.lectern.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

/** The layering rules of architecture.md, one per forbidden dependency, each named as a sentence. */
final class LecternArchitecture {
    static final String DOMAIN = "dev.lectern.domain..";
    static final String[] PORTS = {"dev.lectern.client..", "dev.lectern.port.."};
    static final String TESTKIT = "dev.lectern.testing..";
    static final String JETTY = "dev.lectern.jetty..";
    static final String COGNITO = "dev.lectern.cognito..";
    static final String JAVASOUND = "dev.lectern.javasound..";
    static final String GATEWAY = "dev.lectern.gateway..";
    static final String MICROMETER = "dev.lectern.micrometer..";
    static final String MP3 = "dev.lectern.mp3..";
    static final String[] LIBRARY = {"dev.lectern.domain..", "dev.lectern.client..", "dev.lectern.port..",
            "dev.lectern.testing..", JETTY, COGNITO, JAVASOUND, MICROMETER, MP3};
    static final String[] GUICE = {"com.google.inject..", "jakarta.inject..", "javax.inject.."};

    private LecternArchitecture() {}

    /** An allow-list: the domain sees only itself and java.lang, java.util, java.time. */
    static final ArchRule domain_may_use_only_its_own_packages_and_java_lang_util_time =
            classes().that().resideInAPackage(DOMAIN)
                    .should().onlyDependOnClassesThat().resideInAnyPackage(DOMAIN, "java.lang", "java.lang.invoke",
                            "java.lang.runtime", "java.lang.annotation", "java.util..", "java.time..")
                    .as("the domain may use only its own packages and java.lang, java.util, java.time");

    static final ArchRule ports_may_use_only_the_domain_the_jdk_and_slf4j =
            classes().that().resideInAnyPackage(PORTS)
                    .should().onlyDependOnClassesThat().resideInAnyPackage(concat(PORTS, DOMAIN, "java..", "org.slf4j.."))
                    .as("ports may use only the domain, the JDK and SLF4J");

    static final ArchRule testkit_may_use_only_ports_the_domain_the_jdk_and_slf4j =
            classes().that().resideInAPackage(TESTKIT)
                    .should().onlyDependOnClassesThat().resideInAnyPackage(concat(PORTS, TESTKIT, DOMAIN, "java..", "org.slf4j.."))
                    .as("the test kit may use only the ports, the domain, the JDK and SLF4J");

    static final ArchRule jetty_adapter_does_not_depend_on_other_adapters =
            noClasses().that().resideInAPackage(JETTY)
                    .should().dependOnClassesThat().resideInAnyPackage(COGNITO, JAVASOUND, GATEWAY, MP3)
                    .as("the Jetty adapter does not depend on other adapters");

    static final ArchRule cognito_adapter_does_not_depend_on_other_adapters =
            noClasses().that().resideInAPackage(COGNITO)
                    .should().dependOnClassesThat().resideInAnyPackage(JETTY, JAVASOUND, GATEWAY)
                    .as("the Cognito adapter does not depend on other adapters");

    static final ArchRule javasound_adapter_does_not_depend_on_other_adapters =
            noClasses().that().resideInAPackage(JAVASOUND)
                    .should().dependOnClassesThat().resideInAnyPackage(JETTY, COGNITO, GATEWAY)
                    .as("the Java Sound adapter does not depend on other adapters");

    static final ArchRule micrometer_adapter_does_not_depend_on_other_adapters =
            noClasses().that().resideInAPackage(MICROMETER)
                    .should().dependOnClassesThat().resideInAnyPackage(JETTY, COGNITO, JAVASOUND, GATEWAY)
                    .as("the Micrometer adapter does not depend on other adapters");

    static final ArchRule mp3_adapter_uses_only_the_ports_the_jdk_and_its_decoder =
            classes().that().resideInAPackage(MP3)
                    .should().onlyDependOnClassesThat().resideInAnyPackage(concat(PORTS, DOMAIN, MP3, "java..", "org.jcodec.."))
                    .as("the MP3 adapter uses only the ports, the domain, the JDK and its decoder");

    static final ArchRule guice_is_used_only_in_the_runner =
            noClasses().that().resideInAnyPackage(concat(PORTS, DOMAIN, TESTKIT, JETTY, COGNITO, JAVASOUND, GATEWAY, MICROMETER, MP3))
                    .should().dependOnClassesThat().resideInAnyPackage(GUICE)
                    .as("Guice is used only in the runner's modules: not in the domain, ports, test kit, adapters or gateway");

    static final ArchRule no_field_injection =
            noFields().should().beAnnotatedWith("com.google.inject.Inject")
                    .orShould().beAnnotatedWith("jakarta.inject.Inject")
                    .orShould().beAnnotatedWith("javax.inject.Inject")
                    .as("no field injection (constructor injection only)");

    static final ArchRule library_code_does_not_print_to_standard_streams =
            noClasses().that().resideInAnyPackage(LIBRARY)
                    .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
                    .as("library code does not write to System.out or System.err");

    private static String[] concat(String[] first, String... more) {
        String[] out = new String[first.length + more.length];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(more, 0, out, first.length, more.length);
        return out;
    }
}
