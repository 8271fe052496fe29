/** `https://app.example/path?q` → `https://app.example`: a URL can hold personal data, an origin rarely does. */
export function originOf(url: string): string {
  try {
    const u = new URL(url);
    return u.origin !== 'null' ? u.origin : `${u.protocol}//`;
  } catch {
    return '';
  }
}
