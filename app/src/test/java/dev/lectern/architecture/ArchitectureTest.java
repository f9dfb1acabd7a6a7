package dev.lectern.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The rules over every module's production classes. */
@AnalyzeClasses(packages = "dev.lectern", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {
    /** Test jars (the ports test-jar, with the shared contract and log guard) are test code too. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar");
        }
    }

    @ArchTest
    static final ArchRule domain_may_use_only_its_own_packages_and_java_lang_util_time =
            LecternArchitecture.domain_may_use_only_its_own_packages_and_java_lang_util_time;
    @ArchTest
    static final ArchRule ports_may_use_only_the_domain_the_jdk_and_slf4j =
            LecternArchitecture.ports_may_use_only_the_domain_the_jdk_and_slf4j;
    @ArchTest
    static final ArchRule testkit_may_use_only_ports_the_domain_the_jdk_and_slf4j =
            LecternArchitecture.testkit_may_use_only_ports_the_domain_the_jdk_and_slf4j;
    @ArchTest
    static final ArchRule jetty_adapter_does_not_depend_on_other_adapters =
            LecternArchitecture.jetty_adapter_does_not_depend_on_other_adapters;
    @ArchTest
    static final ArchRule cognito_adapter_does_not_depend_on_other_adapters =
            LecternArchitecture.cognito_adapter_does_not_depend_on_other_adapters;
    @ArchTest
    static final ArchRule javasound_adapter_does_not_depend_on_other_adapters =
            LecternArchitecture.javasound_adapter_does_not_depend_on_other_adapters;
    @ArchTest
    static final ArchRule micrometer_adapter_does_not_depend_on_other_adapters =
            LecternArchitecture.micrometer_adapter_does_not_depend_on_other_adapters;
    @ArchTest
    static final ArchRule mp3_adapter_uses_only_the_ports_the_jdk_and_its_decoder =
            LecternArchitecture.mp3_adapter_uses_only_the_ports_the_jdk_and_its_decoder;
    @ArchTest
    static final ArchRule guice_is_used_only_in_the_runner = LecternArchitecture.guice_is_used_only_in_the_runner;
    @ArchTest
    static final ArchRule no_field_injection = LecternArchitecture.no_field_injection;
    @ArchTest
    static final ArchRule library_code_does_not_print_to_standard_streams =
            LecternArchitecture.library_code_does_not_print_to_standard_streams;
    @ArchTest
    static final ArchRule gateway_protocol_does_not_depend_on_jetty = LecternArchitecture.gateway_protocol_does_not_depend_on_jetty;
    @ArchTest
    static final ArchRule client_uses_the_object_mapper_only_to_read_trees =
            LecternArchitecture.client_uses_the_object_mapper_only_to_read_trees;
    @ArchTest
    static final ArchRule no_package_is_split_across_artifacts = LecternArchitecture.no_package_is_split_across_artifacts;
}
