package dev.lectern.cognito.archfixture;

/** Planted violation: one adapter reaching into another. */
public class CognitoUsingJavaSound {
    public Object format() {
        return dev.lectern.javasound.WavAudio.LECTERN_PCM;
    }
}
