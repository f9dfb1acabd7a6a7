package dev.lectern.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {

    @Test
    void sessionIdIsTrimmedAndLowerCased() {
        assertThat(SessionId.of("  Golden-EAGLE-427 ").value()).isEqualTo("golden-eagle-427");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "golden-eagle", "golden-eagle-42", "golden-eagle-4270", "golden_eagle-427",
            "g0lden-eagle-427", "golden-eagle-427-x", "golden eagle 427"})
    void malformedSessionIdIsRefusedNamingFieldAndValue(String raw) {
        assertThatThrownBy(() -> SessionId.of(raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionId").hasMessageContaining("'" + raw.trim().toLowerCase() + "'");
    }

    @Test
    void languageCodeMustBeIso6391() {
        assertThat(LanguageCode.of(" ES ").value()).isEqualTo("es");
        assertThatThrownBy(() -> LanguageCode.of("xx")).hasMessageContaining("languageCode").hasMessageContaining("'xx'");
        assertThatThrownBy(() -> LanguageCode.of("eng")).hasMessageContaining("two lower-case letters");
    }

    @Test
    void qualityTierAndRoleParseWireNames() {
        assertThat(QualityTier.of("Premium")).isEqualTo(QualityTier.PREMIUM);
        assertThat(QualityTier.STANDARD.wireName()).isEqualTo("standard");
        assertThat(Role.of("listener")).isEqualTo(Role.LISTENER);
        assertThatThrownBy(() -> QualityTier.of("gold")).hasMessageContaining("qualityTier").hasMessageContaining("'gold'");
    }

    @Test
    void audioChunkDurationFollowsFromItsLength() {
        assertThat(AudioChunk.silence(100).sizeInBytes()).isEqualTo(3200);
        assertThat(AudioChunk.of(new byte[3200]).duration()).isEqualTo(Duration.ofMillis(100));
        assertThatThrownBy(() -> AudioChunk.of(new byte[3])).hasMessageContaining("pcm.length").hasMessageContaining("3");
    }

    @Test
    void audioChunkCannotBeChangedFromOutside() {
        byte[] pcm = {1, 2, 3, 4};
        AudioChunk chunk = AudioChunk.of(pcm);
        pcm[0] = 9;
        chunk.pcm()[1] = 9;
        assertThat(chunk.pcm()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void idTokenNeverShowsItsValue() {
        assertThat(new IdToken("eyJhbGciOiJSUzI1NiJ9.secret.sig").toString()).doesNotContain("eyJ").doesNotContain("secret");
    }

    @Test
    void audioDecodesFromBase64AndSaysWhyItCannot() {
        byte[] pcm = {1, 0, 2, 0, 3, 0};
        assertThat(AudioChunk.fromBase64(java.util.Base64.getEncoder().encodeToString(pcm))).isEqualTo(AudioChunk.of(pcm));
        assertThatThrownBy(() -> AudioChunk.fromBase64("not base64!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio is not base64");
        assertThatThrownBy(() -> AudioChunk.fromBase64("AAE9")).hasMessage("audio of 3 bytes is not whole 16-bit samples");
        assertThatThrownBy(() -> AudioChunk.fromBase64("")).hasMessage("audio of 0 bytes is not whole 16-bit samples");
    }
}
