import java.util.jar.JarFile

def jar = new File(basedir, 'target/greetings-fix.jar')
assert jar.isFile()
def log = new File(basedir, 'build.log').text
assert log.contains('mode: redefine (auto): the planner accepts every change')
assert log.contains('would apply: fixture.greetings 1.0.0.SNAPSHOT -> 1.0.1, redefining 1 class(es) in place')
assert log.contains('plan of ')
new JarFile(jar).withCloseable { file ->
    def headers = file.manifest.mainAttributes
    assert headers.getValue('Bundle-SymbolicName') == 'fixture.greetings'
    assert headers.getValue('Bundle-Version') == '1.0.1'
    assert headers.getValue('Hotfix-Target-Version') == '[1.0.0.SNAPSHOT,1.0.0.SNAPSHOT]'
    assert headers.getValue('Hotfix-Mode') == 'redefine'
    assert file.entries().toList()*.name.findAll { !it.startsWith('META-INF/') } == ['fixture/greetings/Phrases.class']
}
return true
