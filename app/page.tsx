export default function Home() {
  return <main>errata</main>;
}
