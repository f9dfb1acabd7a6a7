package dev.lectern.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The seed of a client's jitter draws: its own unless the host fixes it. */
class ClientSeedTest {

    @Test
    void clientsThatAreNotGivenASeedEachDrawTheirOwn() {
        Set<Long> seeds = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            seeds.add(ListenerClient.builder(ListenerConfig.builder().sessionId("golden-eagle-427").targetLanguage("es").build())
                    .seedOrRandom());
        }
        assertThat(seeds).as("1,000 clients that lost their connections together must not retry in step").hasSize(1_000);
    }

    @Test
    void aSeedTheHostGivesIsTheOneUsed() {
        ListenerClient.Builder builder = ListenerClient.builder(
                ListenerConfig.builder().sessionId("golden-eagle-427").targetLanguage("es").build()).seed(42L);
        assertThat(builder.seedOrRandom()).isEqualTo(42L);
        assertThat(builder.seedOrRandom()).isEqualTo(42L);
    }
}
