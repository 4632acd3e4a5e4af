import type { CollectorSpec } from '../types.js';
import { apk } from './apk.js';
import { deb } from './deb.js';
import { editorExtensions } from './editor-extensions.js';
import { npmPackages } from './npm-packages.js';
import { packageFiles } from './package-files.js';
import { pacman } from './pacman.js';
import { portage } from './portage.js';
import { pythonPackages } from './python-packages.js';
import { rpm } from './rpm.js';

export const softwareCollectors: CollectorSpec[] = [deb, rpm, pacman, apk, portage, pythonPackages, npmPackages, editorExtensions, packageFiles];
