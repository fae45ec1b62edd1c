export class AnonymizationService {
  async apply(_input: string, _output: string, _context: { project: string; subject: string; session: string }): Promise<boolean> {
    return false;
  }
}
