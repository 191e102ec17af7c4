def out = new File(basedir, 'target/transfer-benchmark')
def cells = new File(out, 'cells')
def faults = new File(basedir, 'target/faults.log').text
def log = new File(basedir, 'build.log').text

// 1. A worker killed mid-cell: that cell is FAILED with the signal named, the resume completes it.
assert faults.contains('kill-worker: killed worker') : "no worker was killed:\n${faults}"
assert log.contains('worker JVM was killed by signal 9') : 'the kill is reported with its signal'

// 2. Maven killed mid-cell: its worker ends within seconds (it watches its parent), the resume completes.
def gone = (faults =~ /kill-maven: worker \d+ gone after (\d+) ms/)
assert gone.find() : "the worker outlived Maven:\n${faults}"
assert (gone.group(1) as long) < 5000 : "the worker took ${gone.group(1)} ms to end after Maven"

// 3. Writes failing (a file-size limit, as on a full disk): the cell fails with the write's error or the worker's end
// reported, the resume completes (below).
assert log.contains('the worker JVM could not write a file (') && log.contains('File too large') : 'a failed write is reported as one'

// After every fault and resume: every cell done, each file whole JSON of its own cell, no temporary left behind.
['frozen-linear', 'unfrozen-linear'].each { s ->
    def f = new File(cells, "deit-b16__ddsm__${s}__s1.json")
    assert f.isFile() : "missing ${f}"
    def json = new groovy.json.JsonSlurper().parse(f)
    assert json.status == 'DONE' : "${s}: ${json.error}"
    assert json.key.scenario == s
}
def leftovers = cells.listFiles().findAll { !it.name.endsWith('.json') || it.name.startsWith('.') }
assert leftovers.isEmpty() : "left in cells/: ${leftovers}"
assert log.count('Resuming: ') >= 2 : 'the resumes skipped what was done'
return true
