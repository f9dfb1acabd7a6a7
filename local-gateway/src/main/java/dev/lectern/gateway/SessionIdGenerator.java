package dev.lectern.gateway;

import dev.lectern.domain.SessionId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Makes session ids like {@code golden-eagle-427} (protocol section 6): an adjective, a noun and a number
 * from 100 to 999, drawn uniformly; a candidate with a blacklisted word or one already taken is drawn
 * again. The word lists are Lectern's own, shipped as resources.
 */
public final class SessionIdGenerator {
    /** Candidates tried before giving up; with 17 million ids this only fails when nearly all are taken. */
    public static final int MAX_ATTEMPTS = 100;
    private static final Pattern WORD = Pattern.compile("^[a-z]{3,13}$");

    private final List<String> adjectives;
    private final List<String> nouns;
    private final Set<String> blacklist;
    private final RandomGenerator random;

    public SessionIdGenerator(List<String> adjectives, List<String> nouns, Set<String> blacklist, RandomGenerator random) {
        this.adjectives = checked(adjectives, "adjectives");
        this.nouns = checked(nouns, "nouns");
        this.blacklist = Set.copyOf(Objects.requireNonNull(blacklist, "blacklist is null"));
        this.random = Objects.requireNonNull(random, "random is null");
    }

    /** The shipped word lists. */
    public static SessionIdGenerator withBuiltInWords(RandomGenerator random) {
        return new SessionIdGenerator(load("adjectives.txt"), load("nouns.txt"), Set.copyOf(load("blacklist.txt")), random);
    }

    /**
     * A new id for which {@code taken} is false.
     *
     * @throws IllegalStateException after {@link #MAX_ATTEMPTS} candidates were all taken or blacklisted
     */
    public SessionId next(Predicate<SessionId> taken) {
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            String adjective = adjectives.get(random.nextInt(adjectives.size()));
            String noun = nouns.get(random.nextInt(nouns.size()));
            if (blacklist.contains(adjective) || blacklist.contains(noun)) {
                continue;
            }
            SessionId id = new SessionId(adjective + "-" + noun + "-" + (100 + random.nextInt(900)));
            if (!taken.test(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no free session id after " + MAX_ATTEMPTS + " candidates");
    }

    /** How many distinct ids the lists can make. */
    public long capacity() {
        return (long) adjectives.size() * nouns.size() * 900;
    }

    public List<String> adjectives() {
        return adjectives;
    }

    public List<String> nouns() {
        return nouns;
    }

    private static List<String> checked(List<String> words, String name) {
        Objects.requireNonNull(words, name + " is null");
        Set<String> distinct = new LinkedHashSet<>();
        for (String w : words) {
            if (!WORD.matcher(w).matches()) {
                throw new IllegalArgumentException(name + " entries must be 3 to 13 letters a-z, was: '" + w + "'");
            }
            distinct.add(w);
        }
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return List.copyOf(distinct);
    }

    private static List<String> load(String resource) {
        InputStream in = SessionIdGenerator.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing resource " + resource);
        }
        List<String> words = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String word = line.strip().toLowerCase(Locale.ROOT);
                if (!word.isEmpty() && !word.startsWith("#")) {
                    words.add(word);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return words;
    }
}
