def cells = new File(basedir, 'target/transfer-benchmark/cells')
def dino = new File(cells, 'dino-vitb16__ddsm__frozen-linear__s1.json')
def sam = new File(cells, 'sam-vitb__ddsm__frozen-linear__s1.json')
assert dino.isFile() && sam.isFile()
// The finished cell was not run again: it is older than the one the second run produced.
assert dino.lastModified() <= sam.lastModified()
def log = new File(basedir, 'build.log').text
assert log.contains('Resuming: 1 of 2 cells already done') : 'second run did not resume'
assert log.contains('[2/2] sam-vitb × ddsm × frozen-linear seed 1 ...')
assert log.count('dino-vitb16 × ddsm × frozen-linear seed 1 ...') == 1 : 'the finished cell ran twice'
assert new groovy.json.JsonSlurper().parse(new File(basedir, 'target/transfer-benchmark/results.json')).cells.size() == 2
return true
