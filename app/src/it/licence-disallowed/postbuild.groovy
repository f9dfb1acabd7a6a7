// The build failed, and for the licence: the log names the dependency and its licence.
def log = new File(basedir, 'build.log').text
assert log.contains('jump3r') : 'the failure names the dependency'
assert log.contains('LGPL-2.1-or-later') : 'the failure names the licence'
assert log.contains('forbidden licenses') : 'the failure is the licence check'
