// `npm run artillery:install`: installs Artillery 2 (~600 MB, so never a project dependency) into a cache folder
// outside the project ($NANOSCOPE_ARTILLERY_CACHE, else $XDG_CACHE_HOME/nanoscope-artillery, else
// ~/.cache/nanoscope-artillery), where test/recording/artillery-run.test.ts looks for it. It installs only with
// --ignore-scripts (its optional native parts are not needed for HTTP scenarios). Does nothing when it is there.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { artilleryCache, artilleryBin } from './support/artillery-cache.mjs'

const dir = artilleryCache()
if (existsSync(artilleryBin(dir))) {
  console.log(`Artillery is already in ${dir}`)
} else {
  mkdirSync(dir, { recursive: true })
  if (!existsSync(`${dir}/package.json`))
    writeFileSync(`${dir}/package.json`, '{ "name": "nanoscope-artillery-cache", "private": true }\n')
  console.log(`installing Artillery 2 into ${dir} (about 600 MB; a few minutes)`)
  execFileSync('npm', ['install', '--prefix', dir, '--ignore-scripts', '--no-audit', '--no-fund', 'artillery@2'], {
    stdio: 'inherit',
  })
}
