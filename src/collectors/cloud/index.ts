import type { CollectorSpec } from '../types.js';
import { cloudAlibaba } from './alibaba.js';
import { cloudAws } from './aws.js';
import { cloudAzure } from './azure.js';
import { carbonBlack } from './carbon-black.js';
import { cloudGcp } from './gcp.js';
import { cloudHuawei } from './huawei.js';
import { cloudTencent } from './tencent.js';

export const cloudCollectors: CollectorSpec[] = [cloudAws, cloudAzure, cloudGcp, cloudAlibaba, cloudTencent, cloudHuawei, carbonBlack];
