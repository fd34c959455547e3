def log = new File(basedir, 'build.log').text
assert log.contains('mode: redefine, as asked')
assert log.contains('adds lambda lambda$greet$2')
assert log.contains('no hotfix written: refused: cannot redefine fixture.greetings in place')
assert !new File(basedir, 'target/redefine-refused-hotfix.jar').exists()
return true
