import { runDriverProcess } from './trainer_driver';

runDriverProcess();
