// @peculiar/x509 needs the reflect-metadata polyfill loaded before it and a WebCrypto provider set once.
import 'reflect-metadata';
import {webcrypto} from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as ReturnType<typeof x509.cryptoProvider.get>);

export {x509};
