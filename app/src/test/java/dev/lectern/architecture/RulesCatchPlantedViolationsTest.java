package dev.lectern.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.lectern.client.archfixture.PortsPrintingAndInjecting;
import dev.lectern.cognito.archfixture.CognitoUsingJavaSound;
import dev.lectern.domain.archfixture.DomainReadingAFile;
import dev.lectern.domain.archfixture.DomainUsingGuice;
import dev.lectern.gateway.archfixture.ProtocolUsingJetty;
import dev.lectern.javasound.archfixture.JavaSoundUsingJetty;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.jetty.SplitPackagePlant;
import dev.lectern.jetty.archfixture.JettyUsingCognito;
import dev.lectern.jetty.archfixture.JettyWritingWithTheMapper;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rule fails on a class planted to break it, so no rule passes by matching nothing. */
class RulesCatchPlantedViolationsTest {

    static Stream<Arguments> rulesAndViolators() {
        return Stream.of(
                Arguments.of(LecternArchitecture.domain_may_use_only_its_own_packages_and_java_lang_util_time, DomainReadingAFile.class, "java.io.File"),
                Arguments.of(LecternArchitecture.ports_may_use_only_the_domain_the_jdk_and_slf4j, PortsPrintingAndInjecting.class, "com.google.inject.Inject"),
                Arguments.of(LecternArchitecture.jetty_adapter_does_not_depend_on_other_adapters, JettyUsingCognito.class, "SecretHash"),
                Arguments.of(LecternArchitecture.cognito_adapter_does_not_depend_on_other_adapters, CognitoUsingJavaSound.class, "WavAudio"),
                Arguments.of(LecternArchitecture.javasound_adapter_does_not_depend_on_other_adapters, JavaSoundUsingJetty.class, "ConnectUrls"),
                Arguments.of(LecternArchitecture.guice_is_used_only_in_the_runner, DomainUsingGuice.class, "com.google.inject"),
                Arguments.of(LecternArchitecture.no_field_injection, PortsPrintingAndInjecting.class, "injected"),
                Arguments.of(LecternArchitecture.library_code_does_not_print_to_standard_streams, PortsPrintingAndInjecting.class, "System.out"),
                Arguments.of(LecternArchitecture.gateway_protocol_does_not_depend_on_jetty, ProtocolUsingJetty.class, "HttpStatus"),
                Arguments.of(LecternArchitecture.client_uses_the_object_mapper_only_to_read_trees, JettyWritingWithTheMapper.class,
                        "ObjectMapper"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rulesAndViolators")
    void ruleReportsThePlantedViolation(ArchRule rule, Class<?> violator, String mentioned) {
        JavaClasses classes = new ClassFileImporter().importClasses(violator);
        EvaluationResult result = rule.evaluate(classes);
        assertThat(result.hasViolation()).as(rule.getDescription() + " on " + violator.getSimpleName()).isTrue();
        assertThat(result.getFailureReport().toString()).contains(mentioned);
    }

    @Test
    void aPackageShippedByTwoArtifactsIsReported() {
        JavaClasses classes = new ClassFileImporter().importClasses(SplitPackagePlant.class, JettyTransport.class);
        EvaluationResult result = LecternArchitecture.no_package_is_split_across_artifacts.evaluate(classes);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("dev.lectern.jetty.SplitPackagePlant", "2 artifacts");
    }
}
