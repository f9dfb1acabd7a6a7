package dev.lectern.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

    /** The gateway classes that face Jetty; the rest is the protocol, which knows no WebSocket library. */
    static final String GATEWAY_ON_JETTY = "dev\\.lectern\\.gateway\\.(LocalGateway|SessionHttpApi|AdminEndpoint)(\\$.*)?";

    static final ArchRule gateway_protocol_does_not_depend_on_jetty =
            noClasses().that().resideInAPackage(GATEWAY).and().haveNameNotMatching(GATEWAY_ON_JETTY)
                    .should().dependOnClassesThat().resideInAPackage("org.eclipse.jetty..")
                    .as("the gateway's protocol classes do not depend on Jetty (only LocalGateway, SessionHttpApi and AdminEndpoint face it)");

    /** The client classes that read JSON as a tree: rare server frames, the HTTP session API's bodies. */
    static final String JETTY_ON_DATABIND = "dev\\.lectern\\.jetty\\.(ServerFrameReader|SessionJson|RefusalBody)(\\$.*)?";

    static final ArchRule client_uses_the_object_mapper_only_to_read_trees =
            noClasses().that().resideInAPackage(JETTY).and().haveNameNotMatching(JETTY_ON_DATABIND)
                    .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson.databind..")
                    .as("the client uses Jackson's object mapper only where it reads a tree (ServerFrameReader, SessionJson,"
                            + " RefusalBody); it writes its frames with the streaming core");

    /**
     * No package is split across artifacts: on the module path two jars may not share a package. Each class's
     * artifact is where its class file was loaded from (a jar, or a module's classes folder in the build).
     */
    static final ArchRule no_package_is_split_across_artifacts =
            classes().should(new ArchCondition<JavaClass>("live in a package no other artifact also ships") {
                private final Map<String, Set<String>> artifactsByPackage = new HashMap<>();

                @Override
                public void init(Collection<JavaClass> all) {
                    for (JavaClass c : all) {
                        artifactsByPackage.computeIfAbsent(c.getPackageName(), p -> new TreeSet<>()).add(artifactOf(c));
                    }
                }

                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    Set<String> artifacts = artifactsByPackage.get(c.getPackageName());
                    if (artifacts.size() > 1) {
                        events.add(SimpleConditionEvent.violated(c, c.getName() + " is in package " + c.getPackageName()
                                + ", which " + artifacts.size() + " artifacts ship: " + artifacts));
                    }
                }
            }).as("no package is split across artifacts");

    /** The root a class was loaded from: the jar, or the classes folder, without the class's own path. */
    static String artifactOf(JavaClass c) {
        String uri = c.getSource().map(s -> s.getUri().toString()).orElse("unknown");
        int bang = uri.indexOf("!/");
        if (bang >= 0) {
            return uri.substring(0, bang);
        }
        String path = c.getName().replace('.', '/') + ".class";
        return uri.endsWith(path) ? uri.substring(0, uri.length() - path.length()) : uri;
    }

    private static String[] concat(String[] first, String... more) {
        String[] out = new String[first.length + more.length];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(more, 0, out, first.length, more.length);
        return out;
    }
}
