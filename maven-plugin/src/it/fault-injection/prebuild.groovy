// A watcher thread in the invoker's JVM: it finds each build this project runs (a java process whose command line
// holds -Dfault=…) and injects that fault into it. What it did goes to target/faults.log for verify.groovy.
def log = new File(basedir, 'target/faults.log')
log.parentFile.mkdirs()
log.text = ''
new File(basedir, 'limited-java.sh').setExecutable(true)
def javaHome = System.getProperty('java.home')
new File(basedir, 'limited-java.sh').text = new File(basedir, 'limited-java.sh').text.replace('/usr/lib/jvm/java-17-openjdk-amd64', javaHome)

def cmdline = { ProcessHandle p ->
    try { new File("/proc/${p.pid()}/cmdline").text.replace('\u0000' as char, ' ' as char) } catch (e) { '' }
}
def note = { String s -> synchronized (log) { log << "${System.currentTimeMillis()} ${s}\n" } }
def first = new File(basedir, 'target/transfer-benchmark/cells/deit-b16__ddsm__frozen-linear__s1.json')

Thread t = new Thread({
    Set handled = [] as Set
    long deadline = System.currentTimeMillis() + 30 * 60 * 1000
    while (System.currentTimeMillis() < deadline) {
        ProcessHandle.current().descendants().each { ProcessHandle maven ->
            String cmd = cmdline(maven)
            def m = cmd =~ /-Dfault=(kill-worker|kill-maven)/
            if (!m.find() || !cmd.contains('plexus-classworlds') || handled.contains(maven.pid())) return
            String fault = m.group(1)
            // the worker: a descendant running WorkerMain, inside the second cell (unfrozen-linear, 8 epochs): the first
            // cell's result was written by this build at least a second ago
            def worker = maven.descendants().find { cmdline(it).contains('WorkerMain') }
            if (worker == null) return
            long buildStart = maven.info().startInstant().map { it.toEpochMilli() }.orElse(Long.MAX_VALUE)
            long firstDone = first.lastModified()
            if (firstDone < buildStart || System.currentTimeMillis() - firstDone < 1000) return
            handled << maven.pid()
            if (fault == 'kill-worker') {
                worker.destroyForcibly()
                note("kill-worker: killed worker ${worker.pid()} of build ${maven.pid()}")
            } else {
                long t0 = System.nanoTime()
                maven.destroyForcibly()
                note("kill-maven: killed build ${maven.pid()}, its worker ${worker.pid()} still alive: ${worker.isAlive()}")
                while (worker.isAlive() && System.nanoTime() - t0 < 60_000_000_000L) Thread.sleep(50)
                note("kill-maven: worker ${worker.pid()} ${worker.isAlive() ? 'STILL ALIVE' : 'gone'} after ${(System.nanoTime() - t0).intdiv(1_000_000)} ms")
            }
        }
        Thread.sleep(200)
    }
} as Runnable, 'fault-injector')
t.daemon = true
t.start()
return true
