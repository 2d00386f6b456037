import { describe, expect, it } from 'vitest';
import { classCalled, newClass } from '../../../functions/core/schools/school';

/** How every way of adding a class (an admin, a new school, a new school year) names it and makes its id. */
describe('adding a class by name', () => {
  const classes = [newClass([], 'Owls'), newClass([], 'Year 1')];

  it('finds a class already called the name, whatever its case and surrounding spaces', () => {
    expect(classCalled(classes, 'owls')?.id).toBe('owls');
    expect(classCalled(classes, '  YEAR 1 ')?.name).toBe('Year 1');
    expect(classCalled(classes, 'Year 2')).toBeUndefined();
    expect(classCalled([], 'Owls')).toBeUndefined();
  });

  it('makes a stored class whose id comes from its name, apart from the ids already taken', () => {
    expect(newClass([], 'Year 1')).toEqual({ id: 'year-1', name: 'Year 1', joinGeneration: 0, archived: false });
    // "Year-1" is another name, but its id would be the same: it gets the next free one.
    expect(newClass(classes, 'Year-1').id).toBe('year-1-2');
    expect(newClass([...classes, { id: 'year-1-2' }], 'Year-1').id).toBe('year-1-3');
    // A name with no letters or digits in it still gets an id.
    expect(newClass([], '★').id).toBe('class');
  });
});
