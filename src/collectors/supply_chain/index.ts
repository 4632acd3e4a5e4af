import type { CollectorSpec } from '../types.js';
import { apkRepos } from './apk-repos.js';
import { aptSources } from './apt-sources.js';
import { npmConfig } from './npm-config.js';
import { pacmanRepos } from './pacman-repos.js';
import { pipConfig } from './pip-config.js';
import { portageRepos } from './portage-repos.js';
import { yumRepos } from './yum-repos.js';
import { zypperRepos } from './zypper-repos.js';

export const supplyChainCollectors: CollectorSpec[] = [aptSources, yumRepos, zypperRepos, pacmanRepos, apkRepos, portageRepos, pipConfig, npmConfig];
