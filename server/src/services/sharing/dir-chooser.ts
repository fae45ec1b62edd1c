import type { FileStore } from '../../archive/file-store.js';
import { alternativeDir } from '../../archive/layout.js';
import type { Db } from '../../db/database.js';
import { conflict } from '../../domain/errors.js';
import { isDirTaken } from '../../repositories/resource.repository.js';

/**
 * Picks directories for resources that are about to get files: the natural one when no resource
 * uses it and nothing is on disk there, else `dir~2`, `dir~3`... Remembers its own picks so two
 * resources of one operation never share a folder.
 */
export class DirChooser {
  private readonly chosen = new Set<string>();

  constructor(private readonly db: Db, private readonly store: FileStore) {}

  async choose(natural: string): Promise<string> {
    for (let attempt = 1; attempt < 100; attempt++) {
      const dir = attempt === 1 ? natural : alternativeDir(natural, attempt);
      if (this.chosen.has(dir) || (await isDirTaken(this.db, dir)) || (await this.store.isNonEmptyDir(dir))) continue;
      this.chosen.add(dir);
      return dir;
    }
    throw conflict(`Could not find a free directory for ${natural}`);
  }
}
