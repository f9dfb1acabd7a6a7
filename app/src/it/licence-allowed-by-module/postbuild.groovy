// The generated list is what the jar ships: each dependency with its licence, under one name per licence.
def list = new File(basedir, 'target/generated-resources/licenses/META-INF/licence-allowed-by-module-THIRD-PARTY.txt').text
assert list.contains('(LGPL-2.1-or-later) jump3r (de.sciss:jump3r:') : list
