import {Text} from 'ink';
import {useEffect, useState} from 'react';
import {tone} from './tone.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner and what is being waited for. */
export function Spinner({label}: {label: string}) {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((current) => (current + 1) % frames.length), 80);
    return () => clearInterval(timer);
  }, []);
  return (
    <Text>
      <Text color={tone('cyan')}>{frames[frame]}</Text> {label}
    </Text>
  );
}
